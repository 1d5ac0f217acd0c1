import type { Spread } from '../stats.js';
import type { Cell, Row, WorkloadResult } from '../workloads/types.js';

export function isSpread(cell: Cell): cell is Spread {
  return typeof cell === 'object' && cell !== null && 'median' in cell;
}

/** The single figure of a cell: a spread's median, a number as is. */
export function figure(cell: Cell): number | undefined {
  if (isSpread(cell)) return Number.isFinite(cell.median) ? cell.median : undefined;
  return typeof cell === 'number' && Number.isFinite(cell) ? cell : undefined;
}

function number(n: number, digits: number): string {
  if (!Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `median (min–max)` for repeated measurements with more than one value. */
export function formatCell(cell: Cell, digits = 0): string {
  if (cell === undefined) return '–';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') return number(cell, digits);
  if (cell.n === 0) return '–';
  if (cell.n === 1 || cell.min === cell.max) return number(cell.median, digits);
  return `${number(cell.median, digits)} (${number(cell.min, digits)}–${number(cell.max, digits)})`;
}

export function findRow(results: readonly WorkloadResult[], workload: string, contender: string): Row | undefined {
  return results.find((r) => r.id === workload)?.rows.find((row) => row.contender === contender);
}

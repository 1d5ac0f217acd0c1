import type { BrokerProcess } from '@tributary/broker';
import type { BenchPlan } from '../plan.js';
import type { Spread } from '../stats.js';

export interface WorkloadContext {
  plan: BenchPlan;
  broker: BrokerProcess;
  /** Is this contender selected (`--only`)? */
  selected(contender: string): boolean;
  /** Node flags for every worker (`--cpu-prof …`). */
  workerExecArgv: string[];
}

/** A cell: a repeated measurement (median, min–max), a single figure, or text. */
export type Cell = Spread | number | string | undefined;

export interface Row {
  contender: string;
  /** What was measured and how this contender was configured. */
  setup: string;
  /** Set when the contender could not run here: the reason, shown instead of figures. */
  error?: string;
  values: Record<string, Cell>;
}

export interface Column {
  key: string;
  label: string;
  /** Digits after the decimal point. */
  digits?: number;
}

export interface WorkloadResult {
  id: string;
  title: string;
  /** What the workload measures, in one paragraph. */
  description: string;
  columns: Column[];
  rows: Row[];
  notes: string[];
}

export interface Workload {
  id: string;
  title: string;
  /** Creates topics and produces the data this workload reads (once per run). */
  prepare(ctx: WorkloadContext): Promise<void>;
  run(ctx: WorkloadContext): Promise<WorkloadResult[]>;
}

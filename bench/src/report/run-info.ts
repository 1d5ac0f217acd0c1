import type { MachineDescription } from '../machine.js';
import type { BenchPlan } from '../plan.js';

export interface RunInfo {
  machine: MachineDescription;
  plan: BenchPlan;
  startedAt: string;
  durationSeconds: number;
  /** 1-minute load average when the run ended (other work on the 2 cores skews timings). */
  loadAverageAtEnd: number;
  /** Run with --only or --workloads: not every contender × workload was measured. */
  partial: boolean;
  args: string[];
}

import { breakdownWorkload } from './breakdown.js';
import { ioWorkload } from './io.js';
import { latencyWorkload } from './latency.js';
import { memoryWorkload } from './memory.js';
import { noopWorkload } from './noop.js';
import { parallelConsumerWorkload } from './parallel-consumer.js';
import { rebalanceWorkload } from './rebalance.js';
import { scalingWorkload } from './scaling.js';
import type { Workload } from './types.js';

/** In run order; the no-op workload also reports workload 6 (commit load) from its runs. */
export const WORKLOADS: Workload[] = [
  noopWorkload,
  ioWorkload,
  memoryWorkload,
  latencyWorkload,
  rebalanceWorkload,
  scalingWorkload,
  parallelConsumerWorkload,
  breakdownWorkload,
];

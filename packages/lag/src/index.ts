export { type DiagnoseInput, diagnose, type Finding, formatFindings } from './diagnose.js';
export {
  type CommittedOffset,
  type GroupDescription,
  LagError,
  type MemberInfo,
  OffsetReader,
  type OffsetToCommit,
  type Watermarks,
} from './kafka-offsets.js';
export {
  formatLagTable,
  type LagRow,
  type LagSnapshot,
  type ReadLagOptions,
  readLag,
  type TrendRow,
  withTrend,
} from './lag-table.js';
export { histogramQuantile, parsePrometheus, type Sample, scrape, sum } from './prometheus.js';
export { STUCK_KEY_AFTER_MS, stuckKeyFindings } from './stuck-keys.js';

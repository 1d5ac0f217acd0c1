export {
  countDeadLetters,
  type DeadLetterCount,
  type DeadLetterTopic,
  dlqTopicOf,
  dlqTopicsOf,
  heldMessages,
} from './dead-letters.js';
export { type DiagnoseInput, diagnose, type Finding, formatFindings } from './diagnose.js';
export { describeGroup, type GroupDescription, type GroupMember } from './group-description.js';
export { type DeadLetterWindow, type InstanceWindow, increase } from './group-findings.js';
export {
  type CommittedOffset,
  LagError,
  type LagErrorKind,
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
  readLagWith,
  type TrendRow,
  withTrend,
} from './lag-table.js';
export { histogramQuantile, parsePrometheus, type Sample, scrape, sum } from './prometheus.js';
export { STUCK_KEY_AFTER_MS, stuckKeyFindings } from './stuck-keys.js';

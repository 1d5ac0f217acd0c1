export {
  countDeadLetters,
  type DeadLetterCount,
  type DeadLetterTopic,
  dlqTopicOf,
  dlqTopicsOf,
  heldMessages,
} from './dead-letters.js';
export { type DiagnoseInput, diagnose, type Finding, formatFindings } from './diagnose.js';
export { AcknowledgedProducer, type Delivery, type OutgoingRecord } from './dlq/acknowledged-producer.js';
export {
  type DlqEntry,
  type DlqFilter,
  DlqHeader,
  errorHeaders,
  headerPairs,
  matchesFilter,
  parseDlqMessage,
  parseFilter,
  REPLAY_COUNT_HEADER,
  replayHeaders,
  UNKNOWN_CLASS,
} from './dlq/dlq-message.js';
export { KafkaIoError } from './dlq/kafka-io-error.js';
export { type OpenTopic, openTopic } from './dlq/open-topic.js';
export { type PartitionRange, RangeReader } from './dlq/range-reader.js';
export { type ReplayItem, type ReplayOptions, type ReplaySummary, replayDlq, replayGroup } from './dlq/replay.js';
export { ReplayProgress } from './dlq/replay-progress.js';
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

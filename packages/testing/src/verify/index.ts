export type { Measurement } from './analysis.js';
export { VERIFY_SCENARIOS, type VerifyScenario } from './app-scenarios.js';
export { type PartitionOffsets, topicOffsets } from './broker-state.js';
export { commitRegressions } from './commit-order.js';
export { crashDuplicateBound, DEFAULT_EXPECTATIONS, type Expectations } from './expectations.js';
export { brokerFaultPhases, type FaultPhase } from './fault-scenarios.js';
export { coordinates, type LogLine, LogReader } from './log-lines.js';
export type { Member } from './member-process.js';
export { type MessageFactory, VerifyInputError, type VerifyMessage } from './messages.js';
export {
  eventRecord,
  type OutgoingRecord,
  type ProducedRecord,
  RateProducer,
  type RecordKind,
} from './rate-producer.js';
export { allHeld, type ReportOptions, type ResultRow, ResultsReport, resultsMarkdown } from './report.js';
export { type Check, deadLetterChecks, exactlyOnceChecks, type RunResult, type RunSpec, runScenario } from './run.js';
export { RECORDER_PRELOAD, Scenario, type ScenarioOptions, sleep } from './scenario.js';
export { type VerifyOptions, type VerifyReport, verifyDelivery } from './verify-delivery.js';

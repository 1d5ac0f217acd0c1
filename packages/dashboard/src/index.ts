export { ActionRequestError } from './actions/action-request.js';
export { newActionToken } from './actions/action-token.js';
export { DashboardCollector, type DashboardSource } from './collector.js';
export type { DeadLetterInfo } from './explorer/dead-letter-info.js';
export {
  ExplorerInputError,
  type ExplorerMessage,
  type ExplorerPage,
  MessageReader,
  type PageFrom,
} from './explorer/message-reader.js';
export { type RenderedBytes, renderText, renderValue } from './explorer/render-bytes.js';
export { type KeyLaneRow, type KeyLanesView, keyLanesView } from './key-lanes.js';
export type { DashboardLogger } from './logger.js';
export { type Dashboard, type DashboardOptions, startDashboard } from './server.js';
export type {
  DashboardSnapshot,
  DeadLetterView,
  InstanceView,
  MembersView,
  PartitionView,
  RebalanceEvent,
  SnapshotError,
} from './snapshot.js';

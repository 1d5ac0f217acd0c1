export {
  DashboardCollector,
  type DashboardSnapshot,
  type DashboardSource,
  type PartitionView,
  type RebalanceEvent,
} from './collector.js';
export { type Dashboard, type DashboardOptions, startDashboard } from './server.js';

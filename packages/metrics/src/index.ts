export {
  bearerMatches,
  type ControlOptions,
  type ControlRequest,
  ControlRequestError,
  parseControlRequest,
} from './control-endpoint.js';
export { type HealthServer, type HealthServerOptions, startHealthServer } from './health-server.js';
export { TributaryMetrics } from './tributary-metrics.js';

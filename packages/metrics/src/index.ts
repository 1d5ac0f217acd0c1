export { type HealthServer, type HealthServerOptions, startHealthServer } from './health-server.js';
export { TributaryMetrics } from './tributary-metrics.js';

export { TributaryHealthIndicator } from './tributary-health.indicator.js';

export { ApiKey, type EmbeddedBroker, KafkaErrorCode } from './broker.js';
export { BrokerConfigError, BrokerNativeError, BrokerOperationError } from './errors.js';
export { startBroker } from './in-process-broker.js';
export { librdkafkaPath, loadMockClusterApi } from './native.js';
export { type BrokerOptions, parseTopicSpec, resolveBrokerOptions, type TopicSpec } from './options.js';
export { type BrokerProcess, startBrokerProcess } from './process-broker.js';
export { brokersFromEnv, type KafkaTarget, useKafka } from './target.js';

export { committedOffsets, endOffsets, partitionCount, withConsumer } from './offsets.js';
export { type ProduceOptions, produceMessages, type TestMessage } from './produce.js';
export { readTopic } from './read-topic.js';
export { startTestRedis, type TestRedis } from './redis.js';
export { startTestKafka, type TestKafka } from './test-kafka.js';
export { uniqueName, type WaitOptions, waitUntil } from './wait-until.js';

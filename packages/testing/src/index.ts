export { committedOffsets, endOffsets, partitionCount, withConsumer } from './offsets.js';
export { type ProduceOptions, produceMessages, type TestMessage } from './produce.js';
export { readTopic } from './read-topic.js';
export { startTestKafka, type TestKafka } from './test-kafka.js';
export { uniqueName, type WaitOptions, waitUntil } from './wait-until.js';

import 'reflect-metadata';
import { TributaryApp } from '@tributary/core';
import { startHealthServer, TributaryMetrics } from '@tributary/metrics';
import { defaultMiddleware, TributaryProducer } from '@tributary/middleware';
import { TaskHandlers } from './task-handlers.js';

const brokers = process.env.KAFKA_BROKERS ?? 'localhost:9092';
// Writes the dead-letter topic (task-created.dlq); a message counts as handled once its copy is acknowledged.
const producer = new TributaryProducer({ brokers });
const metrics = new TributaryMetrics();
const app = await TributaryApp.create({
  brokers,
  handlers: [TaskHandlers],
  middleware: defaultMiddleware({ deadLetter: { producer }, retry: { maxAttempts: 3, initialDelayMs: 200 } }),
  statsIntervalMs: 5_000, // feeds tributary_consumer_lag
  handleSignals: false, // the stop below also flushes the producer and closes the health server
});
metrics.attach(app);
const health = await startHealthServer(app, metrics, { port: Number(process.env.HTTP_PORT ?? 9464) });

const stop = async () => {
  await app.stop();
  await producer.disconnect();
  await health.close();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

await app.start();
app.logger.info(`metrics and health on http://127.0.0.1:${health.port}/metrics, /health/ready`);

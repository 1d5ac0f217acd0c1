// Standalone reproductions for @confluentinc/kafka-javascript 1.10.1 (librdkafka 2.15), using only the
// package and librdkafka's built-in mock cluster (test.mock.num.brokers). See native-crash.md.
//
//   node native-crash-repro.js assignment-lost-before-connect   # SIGSEGV at once
//   node native-crash-repro.js assignment-lost-after-disconnect  # SIGSEGV after a normal connect/disconnect
const { KafkaConsumer, Producer } = require('@confluentinc/kafka-javascript');

const scenario = process.argv[2] ?? 'assignment-lost-after-disconnect';
let bootstrap; // the mock cluster's brokers (hosted by a producer, see cluster())
const conf = (extra = {}) => ({
  'group.id': `repro-${process.pid}`,
  'bootstrap.servers': bootstrap ?? '127.0.0.1:1',
  'enable.auto.commit': false,
  log_level: 0,
  ...extra,
});
const connect = (c) => new Promise((res, rej) => c.connect({}, (err) => (err ? rej(err) : res())));

/**
 * A producer hosts librdkafka's mock cluster (test.mock.num.brokers) and creates the topic by
 * producing to it; the consumer connects to the mock brokers it lists.
 */
async function cluster() {
  const p = new Producer({ 'test.mock.num.brokers': 3, log_level: 0 });
  await connect(p);
  p.produce('repro-topic', null, Buffer.from('x'));
  await new Promise((r) => p.flush(5000, r));
  const md = await new Promise((res, rej) => p.getMetadata({ timeout: 5000 }, (e, m) => (e ? rej(e) : res(m))));
  bootstrap = md.brokers.map((b) => `${b.host}:${b.port}`).join(',');
  return p;
}

/** Subscribes and polls until partitions are assigned. */
async function assigned(c) {
  c.subscribe(['repro-topic']);
  c.setDefaultConsumeTimeout(50);
  while (c.assignments().length === 0) await new Promise((r) => c.consume(10, () => r()));
}

(async () => {
  if (scenario === 'assignment-lost-before-connect') {
    const c = new KafkaConsumer(conf(), {});
    console.log('rebalanceProtocol() on a consumer never connected:', c.rebalanceProtocol()); // "NONE": checked
    console.log('assignmentLost() on a consumer never connected ...');
    console.log(c.assignmentLost()); // KafkaConsumer::AssignmentLost(): m_consumer is nullptr -> SIGSEGV
  } else if (scenario === 'assignment-lost-after-disconnect') {
    await cluster();
    const c = new KafkaConsumer(conf({ rebalance_cb: true }), {});
    await connect(c);
    await assigned(c);
    console.log('assigned', c.assignments().length, 'partitions; assignmentLost() =', c.assignmentLost());
    await new Promise((r) => c.disconnect(() => r()));
    console.log('disconnected; isConnected() =', c.isConnected(), '; assignmentLost() ...');
    console.log(c.assignmentLost()); // m_consumer was deleted and set to nullptr by Disconnect() -> SIGSEGV
  } else {
    console.error(`unknown scenario ${scenario}`);
    process.exit(2);
  }
})();

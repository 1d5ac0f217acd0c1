import pkg from '@confluentinc/kafka-javascript'; const { KafkaConsumer } = pkg;
const c = new KafkaConsumer({ 'bootstrap.servers': process.argv[2], 'group.id': 'g', 'partition.assignment.strategy': 'cooperative-sticky', 'enable.auto.commit': false,
  rebalance_cb(err, a) { if (err.code === -175) this.incrementalAssign(a); else this.incrementalUnassign(a); } }, { 'auto.offset.reset': 'latest' });
c.connect({}, () => { c.setDefaultConsumeTimeout(100); c.subscribe(['t']); (async () => { for (;;) { await new Promise((r) => c.consume(5000, (e, m) => r(m))); } })(); });
setTimeout(() => process.exit(0), 8000);

import pkg from '@confluentinc/kafka-javascript'; const { KafkaConsumer, Producer } = pkg;
import { startBroker } from '../dist/in-process-broker.js';
const broker = await startBroker({ topics: [{ name: 't', partitions: 12 }] });
const t0 = performance.now(); const ts = () => (performance.now() - t0).toFixed(1);
const logs = [];
function member(name, debug) {
  const c = new KafkaConsumer({ 'bootstrap.servers': broker.bootstrapServers, 'group.id': 'g', 'partition.assignment.strategy': 'cooperative-sticky', 'enable.auto.commit': false, ...(debug ? { debug } : {}),
    rebalance_cb(err, a) { logs.push(`${ts()} ${name} REBALANCE ${err.code} ${a.map(x=>x.partition).join(',')}`); if (err.code === -175) this.incrementalAssign(a); else { try { this.commitSync(null); } catch (e) { logs.push(`${ts()} ${name} commitSync failed ${e.message}`); } this.incrementalUnassign(a); } } }, { 'auto.offset.reset': 'latest' });
  c.on('event.log', (l) => logs.push(`${ts()} ${name} ${l.fac} ${l.message.slice(0, 160)}`));
  return new Promise((res) => c.connect({}, () => { c.setDefaultConsumeTimeout(100); c.setDefaultIsTimeoutOnlyForFirstMessage(true); c.subscribe(['t']); res(c); }));
}
const last = new Map(); const gaps = [];
async function loop(name, c) { while (!stop) { const b = await new Promise((r) => c.consume(5000, (e, m) => r(m ?? []))); const now = performance.now(); for (const m of b) { const k = `${name}/${m.partition}`; const p = last.get(k); if (p !== undefined && now - p > 50) gaps.push(`${ts()} GAP ${k} ${(now - p).toFixed(0)}ms`); last.set(k, now); } if (b.length > 0) c.commit(); } }
let stop = false;
const a = await member('A', 'cgrp,fetch,consumer');
loop('A', a);
const p = new Producer({ 'bootstrap.servers': broker.bootstrapServers, 'linger.ms': 1 }); await new Promise((r) => p.connect({}, r)); p.setPollInterval(10);
let n = 0; const prod = setInterval(() => { for (let i = 0; i < 20; i++) p.produce('t', n++ % 12, Buffer.from('x'), null); }, 10);
await new Promise((r) => setTimeout(r, 4000));
logs.push(`${ts()} B joins`);
const { spawn } = await import('node:child_process');
spawn(process.execPath, ['b.mjs', broker.bootstrapServers], { stdio: 'inherit' });
await new Promise((r) => setTimeout(r, 8000));
stop = true; clearInterval(prod);
console.log(gaps.join('\n'));
const fs = await import('node:fs'); fs.writeFileSync('/tmp/coop.log', logs.join('\n'));
process.exit(0);

import { ACTIONS_SCRIPT, ACTIONS_SECTION } from './actions/actions-page.js';
import { KEYS_SCRIPT, KEYS_SECTION } from './page-keys.js';
import { STYLE } from './page-style.js';

/**
 * The dashboard's page: plain DOM and uPlot (served from node_modules, so it works offline),
 * updated by server-sent events once per second. It renders the history first, then every newer
 * snapshot; a snapshot without offsets (the brokers did not answer) shows as an error, never as 0.
 * The per-key panel and (with `actions`) the action controls render from the same snapshots.
 */
export const dashboardPage = (options: { actions: boolean }) => /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tributary — consumer group</title>
<link rel="stylesheet" href="/vendor/uPlot.min.css">
<style>${STYLE}
  #chart { min-height:260px; }
</style>
</head>
<body>
<header>
  <h1>Tributary · <span id="group"></span></h1>
  <span class="stat">total lag <b id="total-lag">–</b></span>
  <span class="stat">in <b id="in">–</b>/s</span>
  <span class="stat">out <b id="out">–</b>/s</span>
  <span class="stat">handler p50 <b id="p50">–</b> · p99 <b id="p99">–</b></span>
  <span class="stat">dead-lettered <b id="dlq">–</b> <span id="dlq-note" class="muted"></span></span>
  <span class="stat">instances <b id="instance-count">–</b></span>
  <span class="stat muted" id="updated"></span>
  <nav><a href="/explorer">Message explorer →</a></nav>
</header>
<div id="error" class="banner" hidden></div>
<main>
  <div style="display:grid; gap:16px; min-width:0">
    <section><h2>Lag per partition (last minutes)</h2><div id="chart"></div></section>
    <section><h2>Partitions</h2><div class="table-wrap"><table id="partitions">
      <thead><tr><th>TOPIC/PARTITION</th><th>CURRENT-OFFSET</th><th>LOG-END-OFFSET</th><th>LAG</th><th class="owner">OWNER</th></tr></thead>
      <tbody></tbody></table></div></section>
    ${KEYS_SECTION}
  </div>
  <div style="display:grid; gap:16px; align-content:start; min-width:0">
    ${options.actions ? ACTIONS_SECTION : ''}
    <section><h2>Findings</h2><div id="findings"><p class="muted">collecting…</p></div></section>
    <section><h2>Instances</h2><ul class="plain" id="instances"><li class="muted">–</li></ul><p class="muted" id="members"></p></section>
    <section><h2>Dead letters</h2><div id="dead-letters" class="muted">–</div></section>
    <section><h2>Rebalances</h2><ul class="plain timeline" id="rebalances"><li class="muted">none yet</li></ul></section>
  </div>
</main>
<script src="/vendor/uPlot.iife.min.js"></script>
<script>window.onSnapshot = [];</script>
${KEYS_SCRIPT}
${options.actions ? ACTIONS_SCRIPT : ''}
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const fmt = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'));
  const ms = (n) => (n === undefined || n === null ? '–' : n < 1 ? '<1 ms' : Math.round(n) + ' ms');
  const time = (t) => new Date(t).toLocaleTimeString();
  const history = [];
  let lastAt = 0, receivedAt = 0, chart, chartKeys = [];
  const palette = (i) => 'hsl(' + ((i * 47) % 360) + ' 70% 55%)';
  function draw() {
    const keys = [...new Set(history.flatMap((s) => s.partitions.map((p) => p.topic + '/' + p.partition)))].sort();
    const data = [history.map((s) => s.at / 1000)];
    for (const k of keys) data.push(history.map((s) => { const p = s.partitions.find((x) => x.topic + '/' + x.partition === k); return p ? p.lag : null; }));
    if (!chart || keys.join() !== chartKeys.join()) {
      chart?.destroy();
      chartKeys = keys;
      const stroke = getComputedStyle(document.body).color;
      chart = new uPlot({ width: $('chart').clientWidth || 600, height: 260, legend: { show: keys.length <= 24 }, scales: { x: { time: true } },
        axes: [{ stroke }, { stroke }],
        series: [{}, ...keys.map((k, i) => ({ label: k, stroke: palette(i), width: 1.5, points: { show: false } }))] }, data, $('chart'));
    } else chart.setData(data);
  }
  const errorText = (e) => e.kind === 'unknown-group'
    ? 'Group not found on ' + esc(e.brokers) + ' (since ' + time(e.since) + '): ' + esc(e.message) + '. It shows once a member joins or commits.'
    : e.kind === 'unknown-topic' ? esc(e.message) + ' (since ' + time(e.since) + ').'
    : '<b>Cannot read the brokers ' + esc(e.brokers) + '</b> (since ' + time(e.since) + '): ' + esc(e.message) +
      '. Lag, offsets, the dead-letter topics and the findings are unknown until they answer.';
  function deadLetters(d) {
    const differ = d.inTopics !== null && d.metricsInstances > 0 && d.inTopics !== d.fromMetrics;
    $('dlq').textContent = d.inTopics === null ? '–' : fmt(d.inTopics);
    $('dlq').dataset.inTopics = d.inTopics === null ? '' : String(d.inTopics);
    $('dlq').dataset.fromMetrics = String(d.fromMetrics);
    $('dlq-note').textContent = d.inTopics === null ? '' : d.metricsInstances === 0 ? 'in DLQ topics · no instance answers for metrics'
      : differ ? 'in DLQ topics · ' + fmt(d.fromMetrics) + ' by metrics' : 'in DLQ topics';
    const topics = d.topics.map((t) => '<li data-dlq-topic="' + esc(t.topic) + '"><a href="/explorer?topic=' + encodeURIComponent(t.topic) + '">' + esc(t.topic) +
      '</a> holds <b>' + fmt(t.messages) + '</b></li>').join('');
    $('dead-letters').innerHTML = (d.inTopics === null ? '<p class="error">DLQ topics unknown: the brokers cannot be read.</p>'
      : topics ? '<ul class="plain">' + topics + '</ul>' : '<p>No dead-letter topic (&lt;topic&gt;.dlq) exists for the group\\'s topics.</p>') +
      '<p class="muted">DLQ topics: what they hold now (Σ end − start over their partitions, from the broker). Metrics: tributary_messages_dead_lettered_total of the ' +
      d.metricsInstances + ' instance(s) answering now — ' + fmt(d.fromMetrics) + '; a stopped instance takes its count with it and a restarted one starts at 0.</p>';
  }
  function instances(s) {
    const up = s.instances.filter((i) => i.state === 'up').length;
    const gone = s.instances.filter((i) => i.state === 'gone').length;
    $('instance-count').textContent = up + (gone ? ' up · ' + gone + ' gone' : ' up');
    $('instances').innerHTML = s.instances.length ? s.instances.map((i) => '<li data-instance-url="' + esc(i.url) + '" data-state="' + i.state + '">' +
      (i.state === 'up' ? '<span class="ok">●</span> <b>' + esc(i.instance) + '</b> — ' + i.partitions + ' partition(s)' +
        (i.ready === false ? ' <span class="muted">(not ready: ' + esc(i.reason ?? '') + ')</span>' : '')
      : i.state === 'gone' ? '<span class="error">○</span> <b>' + esc(i.instance) + '</b> — stopped or unreachable since ' + time(i.since) +
        ' <span class="muted">(last answer ' + time(i.lastSeenAt) + (i.lastError ? ', ' + esc(i.lastError) : '') + ')</span>'
      : '<span class="muted">○ ' + esc(i.instance) + ' — not answering, never seen</span>') +
      ' <span class="muted">' + esc(i.url) + '</span></li>').join('') : '<li class="muted">no --metrics given</li>';
    const m = s.members;
    $('members').textContent = m ? 'Coordinator: group ' + m.state + ', ' + m.members + ' member(s), ' + m.static + ' static (group.instance.id), assignor ' + (m.protocol || '–') + '.'
      : 'The broker did not describe the group (DescribeGroups): member checks are skipped.';
  }
  const ownerCell = (p) => esc(p.owner) + (p.ownerSource === 'stopped' ? ' <span class="muted">(stopped; kept for its session)</span>'
    : p.ownerSource === 'member' ? ' <span class="muted">(member, no metrics)</span>' : '') + (p.held ? ' <span class="kind" data-held="true">held by app.pause()</span>' : '');
  function render(s) {
    $('group').textContent = s.group;
    $('total-lag').textContent = fmt(s.totalLag);
    $('in').textContent = s.throughputIn === null ? '–' : fmt(Math.round(s.throughputIn));
    $('out').textContent = s.throughputOut === null ? '–' : fmt(Math.round(s.throughputOut));
    $('p50').textContent = ms(s.handlerP50Ms);
    $('p99').textContent = ms(s.handlerP99Ms);
    deadLetters(s.deadLettered);
    instances(s);
    $('updated').textContent = 'updated ' + time(s.at);
    document.body.dataset.at = String(s.at);
    document.body.dataset.state = s.error ? s.error.kind : 'ok';
    $('error').hidden = !s.error;
    $('error').className = 'banner' + (s.error && s.error.kind === 'unknown-group' ? ' notice' : '');
    $('error').innerHTML = s.error ? errorText(s.error) : '';
    $('partitions').tBodies[0].innerHTML = s.partitions.map((p) => '<tr data-partition="' + esc(p.topic + '/' + p.partition) + '"><td>' + esc(p.topic) + '/' + p.partition +
      '</td><td data-field="current">' + fmt(p.currentOffset).replace('–', '-') + '</td><td data-field="end">' + fmt(p.logEndOffset) +
      '</td><td data-field="lag" class="' + ((p.lag ?? 0) > 1000 ? 'lag-high' : '') + '">' + fmt(p.lag).replace('–', '-') +
      '</td><td class="owner" data-field="owner" data-owner="' + esc(p.owner) + '">' + ownerCell(p) + '</td></tr>').join('');
    $('findings').innerHTML = s.findingsStatus === 'unavailable' ? '<p class="error" data-findings="unavailable">No findings: ' +
        (s.error && s.error.kind === 'unknown-group' ? 'the group is not there yet.' : 'the brokers cannot be read — this is not "no problem".') + '</p>'
      : s.findingsStatus === 'collecting' ? '<p class="muted" data-findings="collecting">collecting (3 samples needed)…</p>'
      : s.findings.length ? s.findings.map((f) => '<div class="finding ' + f.severity + '" data-finding="' + f.id + '"><b>' + esc(f.title) +
        '</b><div class="evidence">' + f.evidence.map(esc).join('<br>') + '</div><div>' + esc(f.suggestion) + '</div></div>').join('')
      : '<p class="muted" data-findings="none">No problem found.</p>';
    $('rebalances').innerHTML = s.rebalances.length ? s.rebalances.slice().reverse().map((r) => '<li class="rebalance"><b>' + time(r.at) + '</b> ' +
      r.moves.map((m) => esc(m.partition) + ': ' + esc(m.from) + ' → ' + esc(m.to)).join(', ') + ' <span class="muted">(pause ' + Math.round(r.pauseMs / 100) / 10 + ' s)</span></li>').join('') : '<li class="muted">none yet</li>';
    for (const f of window.onSnapshot) f(s);
  }
  /** Newer snapshots only, in order: the history and the event stream may overlap. */
  function accept(snapshots) {
    const fresh = snapshots.filter((s) => s && s.at > lastAt);
    if (!fresh.length) return;
    for (const s of fresh) history.push(s);
    lastAt = fresh[fresh.length - 1].at;
    receivedAt = Date.now();
    while (history.length && history[0].at < lastAt - 5 * 60_000) history.shift();
    render(fresh[fresh.length - 1]);
    draw();
  }
  const pending = [];
  let loaded = false;
  const events = new EventSource('/events');
  events.onmessage = (e) => { const s = JSON.parse(e.data); if (loaded) accept([s]); else pending.push(s); };
  fetch('/api/history').then((r) => r.json()).then((snapshots) => { loaded = true; accept([...snapshots, ...pending]); },
    () => { loaded = true; accept(pending); });
  // A sample waits for brokers that do not answer (up to their timeout): say so rather than look current.
  setInterval(() => {
    const quiet = Math.round((Date.now() - receivedAt) / 1000);
    if (receivedAt && quiet >= 4) { $('updated').textContent = 'no update for ' + quiet + ' s (waiting for the brokers or instances)'; $('updated').className = 'stat error'; }
    else $('updated').className = 'stat muted';
  }, 1000);
  window.addEventListener('resize', () => chart?.setSize({ width: $('chart').clientWidth, height: 260 }));
})();
</script>
</body>
</html>`;

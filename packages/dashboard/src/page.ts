/**
 * The dashboard's single page: plain DOM and uPlot (served from node_modules, so it works offline),
 * updated by server-sent events once per second. Readable in light and dark mode.
 */
export const PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tributary — consumer group</title>
<link rel="stylesheet" href="/vendor/uPlot.min.css">
<style>
  :root { --bg:#f7f7f9; --fg:#1d1f24; --muted:#667; --card:#fff; --line:#e2e3e8; --warn:#b26a00; --crit:#c0262d; --ok:#1f7a3d; }
  @media (prefers-color-scheme: dark) { :root { --bg:#14161a; --fg:#e6e7ea; --muted:#9aa; --card:#1d2026; --line:#2c3038; --warn:#f0a640; --crit:#ff6b6b; --ok:#5ccf8a; } }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--fg); }
  header { padding:12px 20px; display:flex; gap:24px; align-items:baseline; border-bottom:1px solid var(--line); }
  header h1 { font-size:18px; margin:0; }
  .stat { color:var(--muted); } .stat b { color:var(--fg); font-size:16px; }
  main { display:grid; grid-template-columns: minmax(0,3fr) minmax(0,2fr); gap:16px; padding:16px 20px; }
  section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px; min-width:0; }
  h2 { font-size:14px; margin:0 0 8px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
  table { border-collapse:collapse; width:100%; font-variant-numeric: tabular-nums; }
  th, td { text-align:right; padding:3px 8px; border-bottom:1px solid var(--line); white-space:nowrap; }
  th:first-child, td:first-child, td.owner, th.owner { text-align:left; }
  .table-wrap { max-height:420px; overflow:auto; }
  .lag-high { color:var(--crit); font-weight:600; }
  .finding { border-left:4px solid var(--warn); padding:6px 10px; margin:6px 0; background:color-mix(in srgb, var(--warn) 8%, transparent); }
  .finding.critical { border-color:var(--crit); background:color-mix(in srgb, var(--crit) 8%, transparent); }
  .finding.info { border-color:var(--muted); }
  .finding .evidence { color:var(--muted); font-size:12px; }
  ul.timeline { list-style:none; margin:0; padding:0; max-height:260px; overflow:auto; }
  ul.timeline li { padding:4px 0; border-bottom:1px solid var(--line); font-size:13px; }
  .muted { color:var(--muted); } .error { color:var(--crit); }
  #chart { min-height:260px; }
  @media (max-width: 1000px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1>Tributary · <span id="group"></span></h1>
  <span class="stat">total lag <b id="total-lag">–</b></span>
  <span class="stat">in <b id="in">–</b>/s</span>
  <span class="stat">out <b id="out">–</b>/s</span>
  <span class="stat">handler p50 <b id="p50">–</b> · p99 <b id="p99">–</b></span>
  <span class="stat">dead-lettered <b id="dlq">–</b></span>
  <span class="stat muted" id="updated"></span>
</header>
<main>
  <div style="display:grid; gap:16px; min-width:0">
    <section><h2>Lag per partition (last minutes)</h2><div id="chart"></div></section>
    <section><h2>Partitions</h2><div class="table-wrap"><table id="partitions">
      <thead><tr><th>TOPIC/PARTITION</th><th>CURRENT-OFFSET</th><th>LOG-END-OFFSET</th><th>LAG</th><th class="owner">OWNER</th></tr></thead>
      <tbody></tbody></table></div></section>
  </div>
  <div style="display:grid; gap:16px; align-content:start; min-width:0">
    <section><h2>Findings</h2><div id="findings"><p class="muted">collecting…</p></div></section>
    <section><h2>Instances</h2><div id="instances" class="muted">–</div></section>
    <section><h2>Rebalances</h2><ul class="timeline" id="rebalances"><li class="muted">none yet</li></ul></section>
  </div>
</main>
<script src="/vendor/uPlot.iife.min.js"></script>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const fmt = (n) => (n === null || n === undefined ? '-' : Number(n).toLocaleString('en-US'));
  const ms = (n) => (n === undefined || n === null ? '–' : n < 1 ? '<1 ms' : Math.round(n) + ' ms');
  const history = [];
  let chart, chartKeys = [];
  const palette = (i) => 'hsl(' + ((i * 47) % 360) + ' 70% 55%)';
  function draw(snapshots) {
    const keys = [...new Set(snapshots.flatMap((s) => s.partitions.map((p) => p.topic + '/' + p.partition)))].sort();
    const data = [snapshots.map((s) => s.at / 1000)];
    for (const k of keys) data.push(snapshots.map((s) => { const p = s.partitions.find((x) => x.topic + '/' + x.partition === k); return p ? p.lag : null; }));
    const width = $('chart').clientWidth || 600;
    if (!chart || keys.join() !== chartKeys.join()) {
      chart?.destroy();
      chartKeys = keys;
      chart = new uPlot({ width, height: 260, legend: { show: keys.length <= 24 }, scales: { x: { time: true } },
        axes: [{ stroke: getComputedStyle(document.body).color }, { stroke: getComputedStyle(document.body).color }],
        series: [{}, ...keys.map((k, i) => ({ label: k, stroke: palette(i), width: 1.5, points: { show: false } }))] }, data, $('chart'));
    } else chart.setData(data);
  }
  function render(s) {
    history.push(s);
    while (history.length && history[0].at < s.at - 5 * 60_000) history.shift();
    $('group').textContent = s.group;
    $('total-lag').textContent = fmt(s.totalLag);
    $('in').textContent = fmt(Math.round(s.throughputIn));
    $('out').textContent = fmt(Math.round(s.throughputOut));
    $('p50').textContent = ms(s.handlerP50Ms);
    $('p99').textContent = ms(s.handlerP99Ms);
    $('dlq').textContent = fmt(s.deadLettered);
    $('updated').innerHTML = s.error ? '<span class="error">' + esc(s.error) + '</span>' : 'updated ' + new Date(s.at).toLocaleTimeString();
    document.body.dataset.at = String(s.at);
    const rows = s.partitions.map((p) => '<tr data-partition="' + esc(p.topic + '/' + p.partition) + '"><td>' + esc(p.topic) + '/' + p.partition +
      '</td><td data-field="current">' + fmt(p.currentOffset) + '</td><td data-field="end">' + fmt(p.logEndOffset) +
      '</td><td data-field="lag" class="' + ((p.lag ?? 0) > 1000 ? 'lag-high' : '') + '">' + fmt(p.lag) + '</td><td class="owner" data-field="owner">' + esc(p.owner) + '</td></tr>');
    $('partitions').tBodies[0].innerHTML = rows.join('');
    $('findings').innerHTML = s.findings.length ? s.findings.map((f) => '<div class="finding ' + f.severity + '" data-finding="' + f.id + '"><b>' + esc(f.title) +
      '</b><div class="evidence">' + f.evidence.map(esc).join('<br>') + '</div><div>' + esc(f.suggestion) + '</div></div>').join('') : '<p class="muted">No problem found.</p>';
    $('instances').innerHTML = s.instances.length ? s.instances.map((i) => (i.up ? '●' : '○') + ' ' + esc(i.instance) + ' — ' + i.partitions + ' partitions').join('<br>') : 'no --metrics given';
    $('rebalances').innerHTML = s.rebalances.length ? s.rebalances.slice().reverse().map((r) => '<li class="rebalance"><b>' + new Date(r.at).toLocaleTimeString() + '</b> ' +
      r.moves.map((m) => esc(m.partition) + ': ' + esc(m.from) + ' → ' + esc(m.to)).join(', ') + ' <span class="muted">(pause ' + Math.round(r.pauseMs / 100) / 10 + ' s)</span></li>').join('') : '<li class="muted">none yet</li>';
    draw(history);
  }
  fetch('/api/history').then((r) => r.json()).then((snapshots) => { for (const s of snapshots) render(s); });
  const events = new EventSource('/events');
  events.onmessage = (e) => render(JSON.parse(e.data));
  window.addEventListener('resize', () => chart?.setSize({ width: $('chart').clientWidth, height: 260 }));
})();
</script>
</body>
</html>`;

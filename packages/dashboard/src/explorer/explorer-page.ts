import { STYLE } from '../page-style.js';

/**
 * The message explorer: pick a topic and partition, read a page from an offset, a time or the end,
 * and page on. Each message shows its offset, timestamp, key, headers and value as the server
 * rendered them (pretty JSON, text or hex); a dead letter shows the failure its headers carry. The
 * query is kept in the address, so a page can be linked (the dashboard links each DLQ topic).
 */
export const EXPLORER_PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tributary — message explorer</title>
<style>${STYLE}
  form { display:flex; flex-wrap:wrap; gap:10px 16px; align-items:end; }
  label { display:grid; gap:2px; color:var(--muted); font-size:12px; }
  input, select, button { font:inherit; padding:4px 6px; color:var(--fg); background:var(--bg); border:1px solid var(--line); border-radius:4px; }
  button { cursor:pointer; }
  main.single { grid-template-columns: 1fr; }
  #messages td { white-space:normal; text-align:left; }
  #messages td.offset { white-space:nowrap; }
  [data-header] pre { display:inline; }
  #messages td[data-field="key"] { min-width:22ch; }
  .dead-letter { border-left:4px solid var(--crit); padding:4px 8px; margin-bottom:6px; background:color-mix(in srgb, var(--crit) 8%, transparent); }
  .pager { display:flex; gap:10px; align-items:center; margin:8px 0; }
</style>
</head>
<body>
<header>
  <h1>Tributary · message explorer</h1>
  <span class="muted">read-only: reads by partition assignment, joins no group, commits nothing</span>
  <nav><a href="/">← Dashboard</a></nav>
</header>
<main class="single">
  <section>
    <form id="query">
      <label>topic <select id="topic" name="topic"></select></label>
      <label>partition <select id="partition" name="partition"></select></label>
      <label>from
        <select id="from-kind"><option value="latest">the latest</option><option value="offset">offset</option><option value="time">time</option></select></label>
      <label id="offset-field" hidden>offset <input id="offset" type="number" min="0" step="1"></label>
      <label id="time-field" hidden>time <input id="time" type="datetime-local" step="1"></label>
      <label>per page <select id="limit"><option>20</option><option>50</option><option>100</option></select></label>
      <button type="submit" id="read">Read</button>
    </form>
  </section>
  <section>
    <div class="pager"><button id="previous" disabled>← previous</button><button id="next" disabled>next →</button>
      <span id="summary" class="muted"></span></div>
    <p id="explorer-error" class="error" hidden></p>
    <table id="messages"><thead><tr><th class="left">OFFSET</th><th class="left">TIMESTAMP</th><th class="left">KEY</th><th class="left">HEADERS</th><th class="left">VALUE</th></tr></thead><tbody></tbody></table>
  </section>
</main>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  let page;
  const showError = (err) => { $('explorer-error').hidden = false; $('explorer-error').textContent = err.message; };
  const bytes = (r) => r.kind === 'null' ? '<span class="muted">null</span>'
    : '<pre data-kind="' + r.kind + '">' + esc(r.text) + (r.truncated ? '\\n… (' + r.bytes + ' bytes, cut)' : '') + '</pre>' +
      (r.kind === 'hex' ? '<span class="kind">hex · ' + r.bytes + ' bytes</span>' : '');
  const deadLetter = (d) => '<div class="dead-letter" data-dead-letter><b>' + esc(d.errorClass ?? 'Error') + '</b>: ' + esc(d.errorMessage ?? '') +
    '<div class="muted">' + [d.origin && 'from ' + esc(d.origin), d.attempts && esc(d.attempts) + ' attempt(s)', d.handler && esc(d.handler),
      d.failedAt && 'failed at ' + esc(d.failedAt)].filter(Boolean).join(' · ') + '</div>' +
    (d.validationIssues ? '<pre>' + esc(d.validationIssues) + '</pre>' : '') +
    (d.stack ? '<details><summary class="muted">stack</summary><pre>' + esc(d.stack) + '</pre></details>' : '') + '</div>';
  function row(m) {
    const headers = m.headers.filter((h) => !m.deadLetter || !h.name.startsWith('x-tributary-dlq-'));
    return '<tr data-offset="' + m.offset + '"><td class="offset">' + m.offset + '</td><td class="offset">' +
      (m.timestamp === null ? '–' : esc(new Date(m.timestamp).toISOString())) + '</td><td data-field="key">' + bytes(m.key) +
      '</td><td data-field="headers">' + headers.map((h) => '<div data-header="' + esc(h.name) + '"><b>' + esc(h.name) + '</b>: ' + bytes(h.value) + '</div>').join('') +
      '</td><td data-field="value">' + (m.deadLetter ? deadLetter(m.deadLetter) : '') + bytes(m.value) + '</td></tr>';
  }
  function params() {
    const p = new URLSearchParams({ topic: $('topic').value, partition: $('partition').value, limit: $('limit').value });
    const kind = $('from-kind').value;
    if (kind === 'offset' && $('offset').value !== '') p.set('offset', $('offset').value);
    if (kind === 'time' && $('time').value) p.set('time', String(new Date($('time').value).getTime()));
    return p;
  }
  async function read(p) {
    history.replaceState(null, '', '/explorer?' + p);
    $('explorer-error').hidden = true;
    $('summary').textContent = 'reading…';
    const response = await fetch('/api/explorer/messages?' + p);
    const body = await response.json();
    if (!response.ok) {
      $('explorer-error').hidden = false;
      $('explorer-error').textContent = body.error;
      $('summary').textContent = '';
      return;
    }
    page = body;
    $('messages').tBodies[0].innerHTML = page.messages.map(row).join('') ||
      '<tr><td colspan="5" class="muted left">no message here (the partition holds offsets ' + page.low + '–' + (page.high - 1) + ')</td></tr>';
    $('previous').disabled = page.previous === null;
    $('next').disabled = page.next === null;
    const shown = page.messages.length ? 'offsets ' + page.messages[0].offset + '–' + page.messages[page.messages.length - 1].offset : 'nothing';
    $('summary').textContent = page.topic + '/' + page.partition + ': ' + shown + ' of ' + page.low + '–' + (page.high - 1) +
      (page.resolvedBy === 'timestamp-search' ? ' · time found by searching timestamps (the broker does not answer ListOffsets by time)'
        : page.resolvedBy ? ' · time found by offsetsForTimes' : '');
    document.body.dataset.page = page.topic + '/' + page.partition + '@' + page.start;
  }
  const go = (offset) => { $('from-kind').value = 'offset'; $('offset').value = String(offset); showFields(); read(params()); };
  $('previous').onclick = () => page && page.previous !== null && go(page.previous);
  $('next').onclick = () => page && page.next !== null && go(page.next);
  function showFields() {
    $('offset-field').hidden = $('from-kind').value !== 'offset';
    $('time-field').hidden = $('from-kind').value !== 'time';
  }
  /** The topic's partitions with what each holds; the first one holding messages is chosen unless one is asked. */
  async function partitions(wanted) {
    const list = await fetch('/api/explorer/partitions?topic=' + encodeURIComponent($('topic').value)).then((r) => r.json());
    if (!Array.isArray(list)) throw new Error(list.error);
    $('partition').innerHTML = list.map((p) => '<option value="' + p.partition + '">' + p.partition + ' (' + (p.high - Math.max(0, p.low)) + ' held)</option>').join('');
    const holding = list.find((p) => p.high > p.low);
    $('partition').value = wanted ?? String(holding ? holding.partition : 0);
  }
  $('from-kind').onchange = showFields;
  $('topic').onchange = () => partitions().catch(showError);
  $('query').onsubmit = (e) => { e.preventDefault(); read(params()); };
  fetch('/api/explorer/topics').then((r) => r.json()).then((list) => {
    if (!Array.isArray(list)) throw new Error(list.error);
    $('topic').innerHTML = list.map((t) => '<option value="' + esc(t.topic) + '">' + esc(t.topic) + (t.topic.endsWith('.dlq') ? ' (DLQ)' : '') + '</option>').join('');
    const q = new URLSearchParams(location.search);
    if (q.get('topic')) $('topic').value = q.get('topic');
    if (q.get('limit')) {
      if (![...$('limit').options].some((o) => o.value === q.get('limit'))) $('limit').add(new Option(q.get('limit')));
      $('limit').value = q.get('limit');
    }
    if (q.get('offset')) { $('from-kind').value = 'offset'; $('offset').value = q.get('offset'); }
    showFields();
    return partitions(q.get('partition') ?? undefined).then(() => { if (q.get('topic')) return read(params()); });
  }).catch(showError);
})();
</script>
</body>
</html>`;

/**
 * The page's actions (only with --allow-actions): a token field, pause/resume buttons on each
 * partition row and per topic, dry run and replay on each DLQ topic. The token is typed in (or
 * given as #token=… in the address) and kept in sessionStorage; the page never receives it.
 */
export const ACTIONS_SECTION = /* html */ `<section id="actions"><h2>Actions</h2>
  <p><label>Token <input id="action-token" type="password" autocomplete="off" placeholder="printed by --allow-actions" size="34"></label></p>
  <p><select id="action-topic"></select> <button data-action="pause">Pause topic</button> <button data-action="resume">Resume topic</button></p>
  <p class="muted">Paused from this dashboard: <span id="paused-list">none</span></p>
  <div id="action-result" class="muted">Each action is sent to every instance up now (their health servers need the same token: CONTROL_TOKEN).</div>
</section>`;

export const ACTIONS_SCRIPT = /* html */ `<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const fromHash = /token=([0-9a-f]+)/.exec(location.hash);
  if (fromHash) { sessionStorage.setItem('tributary-token', fromHash[1]); history.replaceState(null, '', location.pathname); }
  let paused = [];
  let held = new Set();
  const isPaused = (topic, partition) => paused.includes(topic) || paused.includes(topic + '/' + partition) || held.has(topic + '/' + partition);
  const button = (action, attrs, label) => '<button data-action="' + action + '" ' + attrs + '>' + label + '</button>';
  window.onSnapshot.push((s) => {
    if (!$('action-token').value) $('action-token').value = sessionStorage.getItem('tributary-token') || '';
    paused = s.paused || [];
    held = new Set(s.partitions.filter((p) => p.held).map((p) => p.topic + '/' + p.partition));
    $('paused-list').textContent = paused.length ? paused.join(', ') : 'none';
    const topics = [...new Set(s.partitions.map((p) => p.topic))];
    if ($('action-topic').dataset.topics !== topics.join()) {
      $('action-topic').innerHTML = topics.map((t) => '<option>' + esc(t) + '</option>').join('');
      $('action-topic').dataset.topics = topics.join();
    }
    const head = document.querySelector('#partitions thead tr');
    if (!head.querySelector('.actions')) head.insertAdjacentHTML('beforeend', '<th class="actions left">ACTION</th>');
    for (const row of document.querySelectorAll('#partitions tbody tr')) {
      const [topic, partition] = [row.dataset.partition.slice(0, row.dataset.partition.lastIndexOf('/')), row.dataset.partition.slice(row.dataset.partition.lastIndexOf('/') + 1)];
      const attrs = 'data-topic="' + esc(topic) + '" data-partition="' + partition + '"';
      row.insertAdjacentHTML('beforeend', '<td class="actions left">' + (isPaused(topic, partition) ? '<span class="kind">paused</span> ' + button('resume', attrs, 'Resume') : button('pause', attrs, 'Pause')) + '</td>');
    }
    for (const li of document.querySelectorAll('#dead-letters li[data-dlq-topic]')) {
      const attrs = 'data-dlq-topic="' + esc(li.dataset.dlqTopic) + '"';
      li.insertAdjacentHTML('beforeend', ' ' + button('dry-run', attrs, 'Dry run') + ' ' + button('replay', attrs, 'Replay…'));
    }
  });
  async function post(path, body) {
    const token = $('action-token').value.trim();
    sessionStorage.setItem('tributary-token', token);
    const res = await fetch('/api/actions/' + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json().catch(() => ({})) };
  }
  const show = (status, html) => { $('action-result').className = status === 200 ? '' : 'error'; $('action-result').dataset.status = String(status); $('action-result').innerHTML = html; };
  function controlResult(action, r) {
    if (!r.body.answers) return show(r.status, esc(r.body.error || 'HTTP ' + r.status));
    if (r.body.paused) paused = r.body.paused;
    const what = r.body.topic + (r.body.partition === undefined ? '' : '/' + r.body.partition);
    show(r.status, '<p data-action-done="' + action + '">' + action + ' ' + esc(what) + ':</p><ul class="plain">' + r.body.answers.map((a) => '<li>' + esc(a.url) + ' — ' +
      (a.status === 200 ? 'applied to ' + (a.applied.length ? esc(a.applied.join(', ')) : 'no partition it owns now (it holds the pause for later assignments)') : '<span class="error">' + esc(a.error) + '</span>') + '</li>').join('') + '</ul>');
  }
  function replayResult(r) {
    if (!r.body.summary) return show(r.status, esc(r.body.error || 'HTTP ' + r.status));
    const s = r.body.summary;
    const skipped = [s.alreadyReplayed && s.alreadyReplayed + ' replayed before', s.filteredOut && s.filteredOut + ' filtered out', s.withoutOrigin && s.withoutOrigin + ' without an original topic', s.deferred && s.deferred + ' left for the next run'].filter(Boolean).join(', ');
    show(200, '<div id="replay-result" data-execute="' + r.body.execute + '" data-replayed="' + s.replayed + '"><p><b>' + (r.body.execute ? 'Replayed ' : 'Dry run: would replay ') + s.replayed + '</b> entr' + (s.replayed === 1 ? 'y' : 'ies') + ' of ' + esc(r.body.dlqTopic) +
      (skipped ? ' (skipped: ' + esc(skipped) + ')' : '') + (r.body.listed < s.replayed ? ' — the first ' + r.body.listed + ' listed' : '') + '</p><ul class="plain">' +
      r.body.items.map((i) => '<li data-replay-item="' + esc(i.topic + '/' + i.partition + '@' + i.offset) + '">' + esc(i.topic + '/' + i.partition + '@' + i.offset) + ' → ' + esc(i.to) + ' <span class="muted">(' + esc(i.errorClass) + (i.from ? ', from ' + esc(i.from) : '') + ', ' + i.bytes + ' bytes)</span></li>').join('') + '</ul></div>');
  }
  document.addEventListener('click', async (e) => {
    const b = e.target.closest && e.target.closest('button[data-action]');
    if (!b) return;
    const action = b.dataset.action;
    try {
      if (action === 'pause' || action === 'resume') {
        const body = b.dataset.topic ? { topic: b.dataset.topic, partition: Number(b.dataset.partition) } : { topic: $('action-topic').value };
        controlResult(action, await post(action, body));
      } else if (action === 'dry-run') replayResult(await post('replay', { dlqTopic: b.dataset.dlqTopic, execute: false }));
      else if (action === 'replay' && confirm('Replay ' + b.dataset.dlqTopic + ' to the original topics?')) replayResult(await post('replay', { dlqTopic: b.dataset.dlqTopic, execute: true }));
    } catch (err) { show(0, esc(err.message)); }
  });
})();
</script>`;

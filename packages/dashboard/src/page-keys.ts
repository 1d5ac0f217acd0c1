/** The per-key panel (key ordering): its section, and the script that renders it from each snapshot. */
export const KEYS_SECTION = /* html */ `<section><h2>Key lanes (key ordering)</h2><div id="key-lanes"><p class="muted">–</p></div></section>`;

export const KEYS_SCRIPT = /* html */ `<script>
(() => {
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const num = (n, unit) => (n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')) + unit;
  function table(list, title, rows, unit, flowing) {
    if (!rows.length) return '<p class="muted" data-key-list="' + list + '">' + title + ': none</p>';
    return '<h3 class="kind">' + title + '</h3><table data-key-list="' + list + '"><thead><tr><th>KEY</th><th class="left">TOPIC/PARTITION</th><th>' +
      (unit === '/s' ? 'RATE' : 'FOR') + '</th>' + (flowing ? '<th class="left">OTHER KEYS</th>' : '') + '<th class="left">INSTANCE</th></tr></thead><tbody>' +
      rows.map((r) => '<tr data-key="' + esc(r.key) + '" data-partition="' + esc(r.topic + '/' + r.partition) + '"' +
        (flowing ? ' data-others-flowing="' + r.othersFlowing + '"' : '') + '><td>' + esc(r.key) + '</td><td class="left">' + esc(r.topic) + '/' + r.partition +
        '</td><td>' + num(r.value, unit) + '</td>' + (flowing ? '<td class="left ' + (r.othersFlowing ? 'error' : '') + '">' +
        (r.othersFlowing ? 'flowing — this key alone is stuck' : 'not flowing') + '</td>' : '') + '<td class="left">' + esc(r.instance) + '</td></tr>').join('') +
      '</tbody></table>';
  }
  window.onSnapshot.push((s) => {
    const el = document.getElementById('key-lanes');
    const k = s.keys;
    if (!k) { el.innerHTML = '<p class="muted" data-key-lanes="none">No instance reports key lanes for this group (it does not use key ordering, or no instance answers).</p>'; return; }
    el.innerHTML = '<p data-key-lanes="' + k.lanes + '">Key lanes with work in memory: <b>' + k.lanes.toLocaleString('en-US') + '</b> over ' + k.instances +
      ' instance(s). Up to 5 per list and instance, from tributary_key_lane_* metrics.</p>' +
      table('retrying', 'Retrying longest', k.retrying, ' s', true) +
      table('oldest', 'Oldest waiting', k.oldest, ' s', false) +
      table('hottest', 'Hottest keys', k.hottest, '/s', false);
  });
})();
</script>`;

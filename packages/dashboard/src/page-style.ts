/** The style both pages share: plain CSS, readable in light and dark mode. */
export const STYLE = /* css */ `
  :root { --bg:#f7f7f9; --fg:#1d1f24; --muted:#667; --card:#fff; --line:#e2e3e8; --warn:#b26a00; --crit:#c0262d; --ok:#1f7a3d; --link:#2459c9; }
  @media (prefers-color-scheme: dark) { :root { --bg:#14161a; --fg:#e6e7ea; --muted:#9aa; --card:#1d2026; --line:#2c3038; --warn:#f0a640; --crit:#ff6b6b; --ok:#5ccf8a; --link:#8fb3ff; } }
  * { box-sizing: border-box; }
  [hidden] { display:none !important; }
  body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--fg); }
  a { color:var(--link); }
  header { padding:12px 20px; display:flex; flex-wrap:wrap; gap:8px 24px; align-items:baseline; border-bottom:1px solid var(--line); }
  header h1 { font-size:18px; margin:0; }
  header nav { margin-left:auto; }
  .stat { color:var(--muted); } .stat b { color:var(--fg); font-size:16px; }
  main { display:grid; grid-template-columns: minmax(0,3fr) minmax(0,2fr); gap:16px; padding:16px 20px; }
  section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px; min-width:0; }
  h2 { font-size:14px; margin:0 0 8px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
  table { border-collapse:collapse; width:100%; font-variant-numeric: tabular-nums; }
  th, td { text-align:right; padding:3px 8px; border-bottom:1px solid var(--line); white-space:nowrap; vertical-align:top; }
  th:first-child, td:first-child, td.owner, th.owner, td.left, th.left { text-align:left; }
  .table-wrap { max-height:420px; overflow:auto; }
  .lag-high { color:var(--crit); font-weight:600; }
  .banner { margin:12px 20px 0; padding:10px 14px; border-radius:8px; border:1px solid var(--crit); background:color-mix(in srgb, var(--crit) 10%, transparent); }
  .banner.notice { border-color:var(--warn); background:color-mix(in srgb, var(--warn) 10%, transparent); }
  .finding { border-left:4px solid var(--warn); padding:6px 10px; margin:6px 0; background:color-mix(in srgb, var(--warn) 8%, transparent); }
  .finding.critical { border-color:var(--crit); background:color-mix(in srgb, var(--crit) 8%, transparent); }
  .finding.info { border-color:var(--muted); }
  .finding .evidence { color:var(--muted); font-size:12px; }
  ul.plain { list-style:none; margin:0; padding:0; }
  ul.plain li { padding:4px 0; border-bottom:1px solid var(--line); font-size:13px; }
  ul.timeline { max-height:260px; overflow:auto; }
  .muted { color:var(--muted); } .error { color:var(--crit); } .ok { color:var(--ok); }
  pre { margin:0; font:12px/1.35 ui-monospace, monospace; white-space:pre-wrap; word-break:break-all; }
  .kind { font-size:11px; color:var(--muted); text-transform:uppercase; }
  @media (max-width: 1000px) { main { grid-template-columns: 1fr; } }
`;

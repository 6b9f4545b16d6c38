/**
 * The dashboard's stylesheet. One column on a phone, a grid on wider screens; the rating colours
 * are the ones CrUX and PageSpeed Insights use, so the bars read the same as there.
 */
export const DASHBOARD_CSS = `
:root {
  --good: #0c8a4a; --needs-improvement: #e8a200; --poor: #e0382f;
  --ink: #1d232b; --muted: #5c6670; --line: #dde2e7; --panel: #fff; --page: #f3f5f7;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--page);
}
* { box-sizing: border-box; }
body { margin: 0; }
header {
  position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: .5rem 1rem;
  align-items: center; padding: .6rem 1rem; background: var(--ink); color: #fff;
}
header h1 { margin: 0 .5rem 0 0; font-size: 1.2rem; letter-spacing: .02em; }
header label { font-size: .85rem; display: flex; gap: .35rem; align-items: center; }
header select { font: inherit; max-width: 14rem; }
#status { margin-left: auto; font-size: .8rem; opacity: .85; }
#status.offline { color: #ffb4ae; }
main { padding: .5rem 1rem 1rem; max-width: 84rem; margin: 0 auto; }
section { margin-top: 1rem; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
h2 small { font-weight: normal; color: var(--muted); }
.cards { display: grid; gap: .5rem; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .55rem .7rem; min-width: 0; }
.card h3 { margin: 0; font-size: .8rem; font-weight: 600; color: var(--muted); }
.card h3 small { font-weight: normal; }
.card .value { margin: .15rem 0; font-size: 1.5rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.detail { margin: 0; font-size: .75rem; color: var(--muted); font-variant-numeric: tabular-nums; }
.value.good { color: var(--good); } .value.needs-improvement { color: #a86f00; } .value.poor { color: var(--poor); }
.ratings { display: flex; height: .55rem; border-radius: 3px; overflow: hidden; background: var(--line); margin: .3rem 0; }
.ratings span { display: block; width: 0; }
.ratings .good, .bar .good { background: var(--good); }
.ratings .needs-improvement { background: var(--needs-improvement); }
.ratings .poor, .bar .poor { background: var(--poor); }
.charts { display: grid; gap: .5rem; margin-top: .5rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); }
.chart { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .5rem; min-width: 0; }
.chart figcaption { font-size: .8rem; color: var(--muted); margin-bottom: .25rem; }
.plot { min-height: 140px; }
.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; font-variant-numeric: tabular-nums; }
th, td { padding: .4rem .6rem; text-align: right; white-space: nowrap; border-bottom: 1px solid var(--line); }
th:first-child, td:first-child { text-align: left; }
tbody tr { cursor: pointer; }
tbody tr:hover, tbody tr.selected { background: #eef3fb; }
td .bar { display: inline-block; width: 4rem; height: .5rem; background: var(--line); border-radius: 3px; overflow: hidden; vertical-align: middle; margin-right: .3rem; }
td .bar span { display: block; height: 100%; }
td.good { color: var(--good); } td.needs-improvement { color: #a86f00; } td.poor { color: var(--poor); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; min-width: 0; overflow-x: auto; }
.panel table { font-size: .8rem; margin: .3rem 0; }
.panel td, .panel th { white-space: normal; vertical-align: top; }
.panel td code, .panel li code { overflow-wrap: anywhere; }
.why-vitals { display: grid; gap: .5rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); margin-bottom: .5rem; }
.why-vital, .why-scripts { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .6rem; min-width: 0; }
.why-vital h3, .why-scripts h3 { margin: 0 0 .3rem; font-size: .95rem; }
.why-vital h3 small { font-weight: normal; color: var(--muted); }
.why-vital h4 { margin: .5rem 0 .2rem; font-size: .8rem; color: var(--muted); }
.why-vital .value.needs-improvement { color: #a86f00; } .why-vital .value.poor { color: var(--poor); }
.dominating-phase { margin: 0 0 .3rem; font-size: .85rem; }
.phases { display: flex; height: .7rem; border-radius: 3px; overflow: hidden; background: var(--line); }
.phases span { display: block; height: 100%; }
.phase-legend { display: flex; flex-wrap: wrap; gap: .1rem .8rem; list-style: none; padding: 0; margin: .3rem 0 0; font-size: .75rem; color: var(--muted); }
.phase-legend .dominating { color: var(--ink); font-weight: 650; }
.swatch { display: inline-block; width: .6rem; height: .6rem; border-radius: 2px; margin-right: .25rem; vertical-align: baseline; }
.phase-0 { background: #4f7cd6; } .phase-1 { background: #1f9e89; } .phase-2 { background: #e8a200; } .phase-3 { background: #7d5bc4; }
.culprits, .advice { margin: 0; padding-left: 1.2rem; font-size: .85rem; }
.culprits li, .advice li { margin: .15rem 0; }
.advice .source { font-size: .75rem; white-space: nowrap; }
.badge { display: inline-block; font-size: .7rem; font-weight: 600; padding: 0 .4rem; border-radius: 999px; white-space: nowrap; }
.badge.third-party { background: #fff1cc; color: #7a5200; }
.badge.new { background: #fde3e1; color: #b1241c; }
.errors .fingerprint { color: var(--muted); font-size: .75rem; }
.releases { width: auto; min-width: min(100%, 36rem); }
.releases td .detail { display: block; }
.engines { width: auto; min-width: min(100%, 36rem); }
.engines td .detail { display: block; }
.delta.worse { color: var(--poor); font-weight: 650; } .delta.better { color: var(--good); font-weight: 650; }
#empty { background: #fff8e1; border: 1px solid #f0d98c; padding: .6rem .8rem; border-radius: 8px; }
footer { font-size: .75rem; color: var(--muted); padding: 0 1rem 1.5rem; max-width: 84rem; margin: 0 auto; }
@media (max-width: 40rem) {
  main { padding: .25rem .5rem 1rem; }
  .card .value { font-size: 1.25rem; }
}
`;

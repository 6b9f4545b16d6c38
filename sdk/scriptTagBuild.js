// What the script-tag build (dist/pulse.js) settles at build time, as @rollup/plugin-replace
// options. rollup.config.js builds pulse.js with them; the bench's size profile applies them, one
// after the other, to an app's bundle of init() to show what each is worth.

// A script tag is configured by its data attributes alone (SPEC: app, release, collector,
// sample-rate, route, debug, key, consent), so pulse.js fixes every other init() option at its
// default, and `data-route` is never a function: the code reading them is not paid for in every
// download.
// pulse.js also leaves out measureUserAgentSpecificMemory(): it exists only in Chromium, where
// performance.memory gives the heap size too, and its name alone costs ~60 B brotli.
const SCRIPT_TAG_FIXED_OPTIONS = [
  'endpoint',
  'captureErrorMessages',
  'maxBatchEvents',
  'maxBatchBytes',
  'flushInterval',
  'maxQueuedEvents',
];

/** @type {import('@rollup/plugin-replace').RollupReplaceOptions} */
export const scriptTagOptions = {
  include: ['**/dist/esm/init.js', '**/dist/esm/lib/route.js', '**/dist/esm/metrics/memory.js'],
  preventAssignment: true,
  values: {
    ...Object.fromEntries(
      SCRIPT_TAG_FIXED_OPTIONS.map((option) => [`config.${option}`, 'undefined']),
    ),
    "typeof mode == 'function'": 'false',
    'globalThis.crossOriginIsolated': 'false',
  },
};

// web-vitals computes a few things Pulse never reads; pulse.js makes them dead code (or shorter)
// here and the minifier drops them (about 220 B brotli), to pay for soft navigations' own vitals
// (`reportSoftNavs`, which brings web-vitals' soft-navigation branches in: 194 B). Each value is written as web-vitals 6.2.3's minified build spells it; should a release
// spell one differently, nothing is replaced and size-limit notices the growth.
/** @type {import('@rollup/plugin-replace').RollupReplaceOptions} */
export const unusedWebVitalsCode = {
  include: ['**/node_modules/web-vitals/dist/web-vitals.js'],
  delimiters: ['', ''],
  values: {
    // TTFB's soft-navigation branch: Pulse never asks for it (a soft navigation's TTFB is 0).
    'const r=p(o);let c=l("TTFB")': 'const r=0;let c=l("TTFB")',
    // The map of soft navigation entries, which only the attribution build sets up.
    'c.l&&n.navigationId&&b(c.l,n);': '',
    'v.l&&t.navigationId&&b(v.l,t),': '',
    // initMetric's navigationType for the document's own navigation (reload, prerender, ...):
    // Pulse sends its own (lib/navigationType.ts) and reads a metric's only to tell a soft
    // navigation's, which web-vitals names when it starts one, as it names a bfcache restore's.
    'i?l=i:n()>=0?l="back-forward-cache":h&&(document.prerendering||a()>0?l="prerender":document.wasDiscarded?l="restore":h.type&&(l=h.type.replace(/_/g,"-")))':
      'i&&(l=i)',
    // A metric's id, which web-vitals compares only with its own metric's (LCP finalising) and
    // Pulse never sends: any unique value serves.
    'id:`v6-${Date.now()}-${Math.floor(8999999999999*Math.random())+1e12}`': 'id:Math.random()',
    // A metric's delta and its soft navigation's start time: Pulse reads neither.
    'n.delta=s,': '',
    'delta:0,': '',
    ',navigationStartTime:f||0': '',
    // The attribution build's hooks into the layout shift, interaction and LCP entry managers,
    // and the FCP entry manager, which only the attribution build reads.
    ',this.t?.(t)}': '}',
    'h(t){if(this.p?.(t),!t.interactionId)return;': 'h(t){if(!t.interactionId)return;',
    'this.T?.(e)}': '}',
    'class H{p;l;h(t){this.p?.(t)}}': 'class H{h(){}}',
    'const c=u(s,y),f=d();': 'const f=d();',
  },
};

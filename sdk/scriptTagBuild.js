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
// here and the minifier drops them (352 B brotli), which pays for soft navigations' own vitals
// (`reportSoftNavs` brings web-vitals' soft-navigation branches in: 194 B) and consent mode. Each value is written as web-vitals 6.2.3's minified build spells it; should a release
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
    // The attribution build's hooks into the layout shift and interaction entry managers, and
    // the LCP and FCP entry managers, which only the attribution build reads.
    ',this.t?.(t)}': '}',
    'h(t){if(this.p?.(t),!t.interactionId)return;': 'h(t){if(!t.interactionId)return;',
    'this.T?.(e)}': '}',
    'class H{p;l;h(t){this.p?.(t)}}': '',
    'const v=u(s,H),': 'const v={h(){}},',
    'const c=u(s,y),f=d();': 'const f=d();',
    // initUnique, which gives the attribution build the manager a metric's options object shares
    // with it; Pulse passes each metric an options object of its own, so each gets a new one
    // (once no call is left, the minifier drops initUnique).
    'const f=u(s,v),': 'const f=new v,',
    'const c=u(o,S),': 'const c=new S,',
    // The interactionCount polyfill, for browsers with Event Timing's interactionId but without
    // performance.interactionCount: Chromium and Firefox have both, WebKitGTK neither (no INP).
    // Where one had only the first, INP would be the longest interaction instead of web-vitals'
    // estimate of the 98th percentile, which differ only past 50 interactions on a page.
    'let w=0,I=1/0,k=0;const C=t=>{for(const n of t)n.interactionId&&(I=Math.min(I,n.interactionId),k=Math.max(k,n.interactionId),w=k?(k-I)/7+1:0)};let F;const N=()=>F?w:performance.interactionCount??0,B=()=>{"interactionCount"in performance||F||(F=m(["event"],C,{durationThreshold:0}))};':
      'const N=()=>performance.interactionCount??0,B=()=>{};',
  },
};

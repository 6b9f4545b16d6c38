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

// web-vitals reports soft navigations only when asked (`reportSoftNavs`), which Pulse never does:
// it follows SPA routes itself (lib/watchHistory.ts). web-vitals' check for that option starts
// with this browser-support test; made `false` here, the whole check is constant, and the
// minifier drops every soft-navigation branch of the five metrics (~180 B brotli). Should a
// web-vitals release spell it differently, nothing is replaced and size-limit notices the growth.
/** @type {import('@rollup/plugin-replace').RollupReplaceOptions} */
export const withoutSoftNavigations = {
  include: ['**/node_modules/web-vitals/dist/web-vitals.js'],
  delimiters: ['', ''],
  values: {
    'globalThis.PerformanceObserver?.supportedEntryTypes?.includes("soft-navigation")': 'false',
  },
};

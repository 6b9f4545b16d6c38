import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fmt, ratio, table, verdict } from '../markdown.js';
import { REPO_ROOT, SDK_DIST } from '../paths.js';
import type { Goal, Section } from '../section.js';
import { BUNDLE_COMMAND, bundleEntry } from '../size/bundleEntry.js';
import { compressedSizes, type Sizes } from '../size/compressedSizes.js';
import { composition } from '../size/composition.js';
import { packageVersion } from '../size/packageVersion.js';
import { FARO_LIMIT, sizeGoals, WEB_VITALS_LIMIT } from '../size/sizeGoals.js';
import { scriptTagGap } from '../size/scriptTagGap.js';

/** A product users would pick instead, bundled from `bench/entries/<entry>.ts`. */
interface Anchor {
  entry: string;
  label: string;
  pkg: string;
}

const ANCHORS: Anchor[] = [
  { entry: 'web-vitals', label: 'web-vitals alone (five metrics + sendBeacon)', pkg: 'web-vitals' },
  {
    // What LCP/INP phases and the longest script would cost from web-vitals itself.
    entry: 'web-vitals-attribution',
    label: 'web-vitals attribution build (five metrics, LCP/INP phases + sendBeacon)',
    pkg: 'web-vitals',
  },
  { entry: 'elastic', label: '@elastic/apm-rum', pkg: '@elastic/apm-rum' },
  {
    entry: 'faro',
    label: '@grafana/faro-web-sdk (getWebInstrumentations)',
    pkg: '@grafana/faro-web-sdk',
  },
  { entry: 'datadog', label: '@datadog/browser-rum-slim', pkg: '@datadog/browser-rum-slim' },
  {
    entry: 'sentry',
    label: '@sentry/browser + browserTracingIntegration',
    pkg: '@sentry/browser',
  },
];

/** Pulse's shipped files, measured as they are (the script-tag builds are what /pulse.js serves). */
const PULSE_FILES = [
  { file: 'pulse.js', label: '`/pulse.js` (script tag, IIFE)' },
  { file: 'pulse.socket.js', label: '`/pulse.socket.js` (script tag, IIFE)' },
  { file: 'index.mjs', label: '`@pulse/sdk` ESM file `dist/index.mjs` (web-vitals external)' },
  { file: 'socket.mjs', label: '`@pulse/sdk/socket.io` ESM file `dist/socket.mjs`' },
  { file: 'score.mjs', label: '`@pulse/sdk/score` ESM file `dist/score.mjs`' },
];

/** Pulse's ESM entries as an app pays for them: bundled the same way as the anchors. */
const PULSE_ENTRIES = [
  { entry: 'pulse-esm', label: '`init()` from `@pulse/sdk`, bundled (web-vitals included)' },
  {
    entry: 'pulse-esm-socket',
    label: '`init()` + `monitorSocket()`, bundled (app brings socket.io-client)',
  },
  {
    entry: 'pulse-score',
    label: '`pageScore` + `connectionScore` from `@pulse/sdk/score`, bundled',
  },
];

const row = (label: string, version: string, s: Sizes, base: Sizes, faro: Sizes) => [
  label,
  version,
  fmt(s.raw),
  fmt(s.gzip),
  fmt(s.brotli),
  ratio(s.brotli / base.brotli),
  ratio(s.brotli / faro.brotli, 3),
];

/** Size of every Pulse entry beside the anchors, all bundled and compressed in this run. */
export const sizeSection: Section = {
  id: 'size',
  title: '1. Bundle size',
  async run() {
    const anchors = new Map<string, { anchor: Anchor; sizes: Sizes }>();
    for (const anchor of ANCHORS) {
      anchors.set(anchor.entry, {
        anchor,
        sizes: compressedSizes((await bundleEntry(anchor.entry)).bytes),
      });
    }
    const base = anchors.get('web-vitals')!.sizes;
    const faro = anchors.get('faro')!.sizes;
    const sdkVersion = 'this tree';

    const pulseRows: string[][] = [];
    const pulse = new Map<string, Sizes>();
    for (const { file, label } of PULSE_FILES) {
      const path = join(SDK_DIST, file);
      if (!existsSync(path)) {
        pulseRows.push([label, 'not built', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a']);
        continue;
      }
      const sizes = compressedSizes(await readFile(path));
      pulse.set(file, sizes);
      pulseRows.push(row(label, sdkVersion, sizes, base, faro));
    }
    for (const { entry, label } of PULSE_ENTRIES) {
      try {
        const sizes = compressedSizes((await bundleEntry(entry)).bytes);
        pulse.set(entry, sizes);
        pulseRows.push(row(label, sdkVersion, sizes, base, faro));
      } catch (error) {
        pulseRows.push([
          label,
          `bundle failed: ${String(error).split('\n')[0]}`,
          '',
          '',
          '',
          '',
          '',
        ]);
      }
    }
    const anchorRows = [...anchors.values()].map(({ anchor, sizes }) =>
      row(anchor.label, packageVersion(anchor.pkg), sizes, base, faro),
    );

    const goals: Goal[] = [];
    const judged = [
      ['/pulse.js', pulse.get('pulse.js')],
      ['ESM init() bundle', pulse.get('pulse-esm')],
    ] as const;
    for (const [name, sizes] of judged) {
      if (!sizes) {
        goals.push({ name: `${name}: size goals`, met: false, detail: 'not built' });
        continue;
      }
      goals.push(...sizeGoals(name, sizes, base, faro));
    }

    const profile = await sizeProfile();
    const esmMissed = goals.some((g) => g.name.startsWith('ESM') && !g.met);
    const gap = pulse.has('pulse.js')
      ? await esmGap(pulse.get('pulse.js')!, base, faro, esmMissed)
      : '';
    const headers = [
      'what',
      'version',
      ' raw B',
      ' gzip B',
      ' brotli B',
      ' brotli vs web-vitals',
      ' brotli vs Faro',
    ];
    const body = [
      `Every anchor is bundled in this run from a minimal realistic entry in \`bench/entries/\` with \`${BUNDLE_COMMAND}\` (esbuild ${packageVersion('esbuild')}); sizes via node:zlib, gzip level 9, brotli quality 11. A goal counts as met only when it holds for both gzip and brotli.`,
      '',
      table(headers, [...pulseRows, ...anchorRows]),
      '',
      table(
        ['goal', 'verdict', 'figures'],
        goals.map((g) => [g.name, verdict(g.met), g.detail]),
      ),
      profile,
      gap,
    ].join('\n');
    return {
      goals,
      body,
      data: {
        anchors: Object.fromEntries([...anchors].map(([k, v]) => [k, v.sizes])),
        pulse: Object.fromEntries(pulse),
      },
    };
  },
};

/**
 * Where /pulse.js's bytes come from: sdk/src/script.ts bundled from source by esbuild (the same
 * code rollup builds /pulse.js from), minified bytes per input, largest first.
 */
async function sizeProfile(): Promise<string> {
  // The entry point itself: as an import it would be dropped, since the SDK is `sideEffects: false`.
  const { bytes, metafile } = await bundleEntry(
    'pulse-source',
    join(REPO_ROOT, 'sdk/src/script.ts'),
  );
  const shares = composition(metafile);
  const total = shares.reduce((sum, s) => sum + s.bytes, 0);
  return [
    '',
    '### Size profile of /pulse.js',
    '',
    `\`sdk/src/script.ts\` bundled from source with the same esbuild command (${fmt(bytes.byteLength)} B minified, ${fmt(compressedSizes(bytes).brotli)} B brotli); minified bytes each source contributes:`,
    '',
    table(
      ['source', ' minified B', ' share'],
      shares.map((s) => [s.source, fmt(s.bytes), `${fmt((100 * s.bytes) / total, 1)}%`]),
    ),
  ].join('\n');
}

/**
 * Why an app's bundle of init() is larger than /pulse.js: the same code with the script-tag
 * build's settings added one by one (see size/scriptTagGap.ts), against the goals' thresholds.
 */
async function esmGap(pulseJs: Sizes, base: Sizes, faro: Sizes, missed: boolean): Promise<string> {
  const steps = await scriptTagGap();
  const line = (label: string, brotli: number) => [
    label,
    fmt(brotli),
    ratio(brotli / base.brotli),
    ratio(brotli / faro.brotli, 3),
  ];
  return [
    '',
    `### The ESM init() bundle beside /pulse.js${missed ? ' (why its goals are missed)' : ''}`,
    '',
    "An app's bundle of `init()` and `/pulse.js` hold the same code. /pulse.js settles at build time what a script tag can never change (`sdk/scriptTagBuild.js`); the ESM entry cannot, because an app may set every `init()` option and its bundler resolves web-vitals itself. The app's entry rebuilt with those settings added one by one, each bundled with the same esbuild command:",
    '',
    table(
      ['build', ' brotli B', ' vs web-vitals', ' vs Faro'],
      [
        ...steps.map(({ step, sizes }) => line(step, sizes.brotli)),
        line(
          '`/pulse.js` as shipped (terser, 3 passes, internal properties mangled, ES2020 syntax kept)',
          pulseJs.brotli,
        ),
        line('goal: 1/7 of Faro', faro.brotli * FARO_LIMIT),
        line('goal: 1.5x web-vitals alone', base.brotli * WEB_VITALS_LIMIT),
      ],
    ),
    '',
    'What remains between the last rebuild and /pulse.js is the minifier and the syntax target. Dropping the options from the ESM entry would take them from apps; bundling a stripped web-vitals into it would make an app that also uses web-vitals ship it twice.',
  ].join('\n');
}

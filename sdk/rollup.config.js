// Bundles the JavaScript that `tsc -b` emitted into dist/esm (so no TypeScript plugin is needed):
//   dist/index.mjs, score.mjs, socket.mjs  ESM entries of the package, web-vitals left external
//   dist/pulse.js                          IIFE for <script> tags, web-vitals inside, minified
//   dist/pulse.socket.js                   IIFE adding Pulse.monitorSocket, minified
//   dist/pulse.webrtc.js                   IIFE adding Pulse.monitorPeerConnection, minified
//   dist/pulse.websocket.js                IIFE adding Pulse.monitorWebSocket, minified
//   dist/pulse.delivery.js                 IIFE adding Pulse.trackDelivery, minified
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import { scriptTagOptions, unusedWebVitalsCode } from './scriptTagBuild.js';

const emitted = (file) => fileURLToPath(new URL(`dist/esm/${file}`, import.meta.url));

// The score and socket entries are written in parallel with the core; until their sources exist
// the build skips them with a warning instead of failing the whole package.
const optional = (file) => {
  if (existsSync(emitted(file))) return true;
  console.warn(`rollup: dist/esm/${file} not emitted yet, skipping its bundle`);
  return false;
};

// Chunk names carry a content hash, so each build would add its chunks beside the last one's:
// cleared first, so that dist/ (and the published package) holds this build's chunks only.
rmSync(fileURLToPath(new URL('dist/chunks', import.meta.url)), { recursive: true, force: true });

/**
 * Feeds tsc's own source maps to rollup, so bundle maps point at the .ts sources, with the
 * sources' text filled in: tsc's maps name their sources without it, and pulse.js.map is served
 * by the collector over HTTP, where the .ts files beside it are not, so a map that only named
 * them would leave devtools with nothing to show.
 */
const tscSourceMaps = {
  name: 'tsc-source-maps',
  load(id) {
    if (!id.endsWith('.js') || !existsSync(`${id}.map`)) return null;
    const map = JSON.parse(readFileSync(`${id}.map`, 'utf8'));
    const sourceDir = resolve(dirname(id), map.sourceRoot ?? '');
    map.sourcesContent = map.sources.map((source) =>
      readFileSync(resolve(sourceDir, source), 'utf8'),
    );
    return { code: readFileSync(id, 'utf8'), map };
  },
};

// Size discipline as in web-vitals: several compress passes, `true`/`false` written as 1/0 (no
// boolean leaves the bundle as a literal: `sampled` is computed), and `_`-prefixed internal
// properties (web-vitals' own) mangled since nothing outside the bundle can see them.
const terserOptions = {
  ecma: 2020,
  module: true,
  compress: { passes: 3, booleans_as_integers: true },
  mangle: { properties: { regex: /^_/ } },
  format: { comments: false },
};
const minify = terser(terserOptions);

// pulse.js runs almost all of its functions while the page loads (init, web-vitals' observers,
// the first flush), and V8 compiles each lazily, on the main thread, at its first call. This
// explicit compile hint (Chromium 136+, a plain comment elsewhere) makes V8 compile them all
// eagerly while the script streams in, off the main thread: measured ~1.5 ms less main-thread
// CPU per page load in the bench. It has to be the file's first line.
const minifyWithCompileHint = terser({
  ...terserOptions,
  format: { ...terserOptions.format, preamble: '//# allFunctionsCalledOnLoad' },
});

const esmInputs = { index: emitted('index.js') };
if (optional('score/index.js')) esmInputs.score = emitted('score/index.js');
if (optional('socket/index.js')) esmInputs.socket = emitted('socket/index.js');
if (optional('webrtc/index.js')) esmInputs.webrtc = emitted('webrtc/index.js');
if (optional('websocket/index.js')) esmInputs.websocket = emitted('websocket/index.js');

// The settings of the script-tag build live in scriptTagBuild.js, where the bench reads them too.
const scriptTagBuild = replace(scriptTagOptions);
const webVitalsTrimmed = replace(unusedWebVitalsCode);

const iife = (input, file, plugins = [], minifier = minify) => ({
  input: emitted(input),
  plugins: [tscSourceMaps, ...plugins, nodeResolve()],
  // Hidden: the map ships beside the file without a `//# sourceMappingURL` comment (~20 B brotli
  // in every download); the collector points devtools at it with a `SourceMap` header.
  output: { file: `dist/${file}`, format: 'iife', sourcemap: 'hidden', plugins: [minifier] },
});

export default [
  {
    input: esmInputs,
    // Bare imports (web-vitals) stay imports: the app's bundler resolves and dedupes them.
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    plugins: [tscSourceMaps],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].mjs',
      chunkFileNames: 'chunks/[name]-[hash].mjs',
      sourcemap: true,
      // The package ships src/ beside dist/: these maps name the sources instead of repeating them.
      sourcemapExcludeSources: true,
    },
  },
  iife('script.js', 'pulse.js', [scriptTagBuild, webVitalsTrimmed], minifyWithCompileHint),
  ...(optional('socket/script.js') ? [iife('socket/script.js', 'pulse.socket.js')] : []),
  ...(optional('webrtc/script.js') ? [iife('webrtc/script.js', 'pulse.webrtc.js')] : []),
  ...(optional('websocket/script.js') ? [iife('websocket/script.js', 'pulse.websocket.js')] : []),
  ...(optional('socket/deliveryScript.js')
    ? [iife('socket/deliveryScript.js', 'pulse.delivery.js')]
    : []),
];

// Bundles the JavaScript that `tsc -b` emitted into dist/esm (so no TypeScript plugin is needed):
//   dist/index.mjs, score.mjs, socket.mjs  ESM entries of the package, web-vitals left external
//   dist/pulse.js                          IIFE for <script> tags, web-vitals inside, minified
//   dist/pulse.socket.js                   IIFE adding Pulse.monitorSocket, minified
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const emitted = (file) => fileURLToPath(new URL(`dist/esm/${file}`, import.meta.url));

// The score and socket entries are written in parallel with the core; until their sources exist
// the build skips them with a warning instead of failing the whole package.
const optional = (file) => {
  if (existsSync(emitted(file))) return true;
  console.warn(`rollup: dist/esm/${file} not emitted yet, skipping its bundle`);
  return false;
};

/** Feeds tsc's own source maps to rollup, so bundle maps point at the .ts sources. */
const tscSourceMaps = {
  name: 'tsc-source-maps',
  load(id) {
    if (!id.endsWith('.js') || !existsSync(`${id}.map`)) return null;
    return { code: readFileSync(id, 'utf8'), map: readFileSync(`${id}.map`, 'utf8') };
  },
};

// Size discipline as in web-vitals: several compress passes, and `_`-prefixed internal
// properties (web-vitals' own) mangled since nothing outside the bundle can see them.
const minify = terser({
  ecma: 2020,
  compress: { passes: 3 },
  mangle: { properties: { regex: /^_/ } },
  format: { comments: false },
});

const esmInputs = { index: emitted('index.js') };
if (optional('score/index.js')) esmInputs.score = emitted('score/index.js');
if (optional('socket/index.js')) esmInputs.socket = emitted('socket/index.js');

const iife = (input, file) => ({
  input: emitted(input),
  plugins: [tscSourceMaps, nodeResolve()],
  output: { file: `dist/${file}`, format: 'iife', sourcemap: true, plugins: [minify] },
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
    },
  },
  iife('script.js', 'pulse.js'),
  ...(optional('socket/script.js') ? [iife('socket/script.js', 'pulse.socket.js')] : []),
];

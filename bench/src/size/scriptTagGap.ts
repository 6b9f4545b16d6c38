import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replaceModule from '@rollup/plugin-replace';
import { rollup, type Plugin } from 'rollup';
import { scriptTagOptions, unusedWebVitalsCode } from '../../../sdk/scriptTagBuild.js';
import { BUNDLES_DIR, ENTRIES_DIR, SDK_DIST } from '../paths.js';
import { bundleEntry } from './bundleEntry.js';
import { compressedSizes, type Sizes } from './compressedSizes.js';

// CommonJS declarations of an ES default export: under NodeNext TypeScript sees the namespace,
// while Node's ESM import yields the function itself (as in test/react/page/bundle.ts).
const replace = replaceModule as unknown as typeof replaceModule.default;

/** One rebuild of the app's init() bundle, with the script-tag settings applied so far. */
export interface GapStep {
  step: string;
  sizes: Sizes;
}

/**
 * `@pulse/sdk` as tsc emitted it (sdk/dist/esm), the files rollup builds both dist/index.mjs and
 * /pulse.js from, so the script-tag build's replacements find what they look for.
 */
const sdkFromTscOutput: Plugin = {
  name: 'sdk-from-tsc-output',
  resolveId: (id) => (id === '@pulse/sdk' ? join(SDK_DIST, 'esm/index.js') : null),
};

/** The script-tag build's settings in the order they are added; a step keeps those before it. */
const SETTINGS = [
  { step: '+ web-vitals code Pulse never reads left out', plugin: unusedWebVitalsCode },
  { step: '+ options a script tag cannot set fixed at their defaults', plugin: scriptTagOptions },
];
const STEPS = [
  { step: 'as an app bundles it (same code, rebuilt here)', plugins: [] as Plugin[] },
  ...SETTINGS.map(({ step }, i) => ({
    step,
    plugins: SETTINGS.slice(0, i + 1).map(({ plugin }) => replace(plugin)),
  })),
];

/**
 * Why an app's bundle of init() is larger than /pulse.js, which holds the same code: the app's
 * entry (bench/entries/pulse-esm.ts) rebuilt by rollup with each build-time setting of the
 * script-tag build (sdk/scriptTagBuild.js) added in turn, then bundled with the reference method
 * like every other row. What is left after the last step is the minifier and syntax target:
 * /pulse.js is minified by terser (3 passes, internal properties mangled) and keeps ES2020 syntax.
 */
export async function scriptTagGap(): Promise<GapStep[]> {
  const steps: GapStep[] = [];
  await mkdir(BUNDLES_DIR, { recursive: true });
  for (const [i, { step, plugins }] of STEPS.entries()) {
    const build = await rollup({
      input: join(ENTRIES_DIR, 'pulse-esm.ts'),
      plugins: [sdkFromTscOutput, ...plugins, nodeResolve()],
      onwarn: () => {},
    });
    const { output } = await build.generate({ format: 'es' });
    await build.close();
    const file = join(BUNDLES_DIR, `pulse-esm-step-${i}.mjs`);
    await writeFile(file, output[0].code);
    steps.push({
      step,
      sizes: compressedSizes((await bundleEntry(`pulse-esm-step-${i}`, file)).bytes),
    });
  }
  return steps;
}

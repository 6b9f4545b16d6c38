/**
 * `@pulse/react` re-exports every hook from one entry; an app bundler must still drop what the app
 * does not use. Bundles tiny apps from the BUILT packages (dist, as published) with rollup, the
 * way an app's bundler would, and looks for the socket plugin in the output.
 */
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ENTRY = '\0app-entry';

/** Bundles an app entry that imports `names` from @pulse/react; React stays external. */
async function bundleApp(names: string[]): Promise<string> {
  const build = await rollup({
    input: ENTRY,
    external: (id) => id === 'react' || id.startsWith('react/') || id.startsWith('react-dom'),
    plugins: [
      {
        name: 'app-entry',
        resolveId: (id) => (id === ENTRY ? ENTRY : null),
        load: (id) =>
          id === ENTRY
            ? `import { ${names.join(', ')} } from '@pulse/react';\nconsole.log(${names.join(', ')});`
            : null,
      },
      nodeResolve({ browser: true }),
    ],
    // @pulse/react's `'use client'` marks client components for server components; a bundle
    // for the browser drops it, as Vite does without a word.
    onwarn: (warning, warn) =>
      warning.code !== 'CIRCULAR_DEPENDENCY' &&
      warning.code !== 'MODULE_LEVEL_DIRECTIVE' &&
      warn(warning),
  });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  return output.map((chunk) => (chunk.type === 'chunk' ? chunk.code : '')).join('\n');
}

describe('@pulse/react tree-shaking', () => {
  it('leaves the socket.io plugin out of an app that only uses useWebVitals', async () => {
    const code = await bundleApp(['PulseProvider', 'useWebVitals']);
    expect(code).toContain('pageScore');
    expect(code).not.toContain('pulse:ping');
    expect(code).not.toContain('monitorSocket');
    expect(code).not.toContain('connectionScore');
    // Figure for the report: app code Pulse adds, before minification.
    console.info(`useWebVitals app: ${code.length} B raw, ${gzipSync(code).length} B gzip`);
  });

  it('ships the socket.io plugin once the app uses useSocketQuality', async () => {
    const code = await bundleApp(['PulseProvider', 'useSocketQuality']);
    expect(code).toContain('pulse:ping');
    expect(code).toContain('monitorSocket');
  });
});

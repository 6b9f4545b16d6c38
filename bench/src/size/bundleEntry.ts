import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLES_DIR, ENTRIES_DIR } from '../paths.js';

/** The reference method of anchor-bundle-sizes.md, as a command a reader can rerun. */
export const BUNDLE_COMMAND =
  'esbuild <entry> --bundle --minify --format=iife --platform=browser --target=es2019';

/** A bundle's bytes and esbuild's account of which input contributed how many of them. */
export interface Bundle {
  bytes: Uint8Array;
  metafile: Metafile;
}

/**
 * Bundles `entry` (by default `bench/entries/<name>.ts`) with the reference method and writes it
 * to `bench/dist/bundles/<name>.js` (the main-thread page loads it from there).
 */
export async function bundleEntry(
  name: string,
  entry = join(ENTRIES_DIR, `${name}.ts`),
): Promise<Bundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2019',
    write: false,
    logLevel: 'error',
    metafile: true,
  });
  const bytes = result.outputFiles[0]!.contents;
  await mkdir(BUNDLES_DIR, { recursive: true });
  await writeFile(join(BUNDLES_DIR, `${name}.js`), bytes);
  return { bytes, metafile: result.metafile };
}

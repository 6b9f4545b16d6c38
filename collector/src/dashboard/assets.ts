import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ASSET_PATHS } from './page.js';
import { DASHBOARD_CSS } from './styles.js';

/** A file the dashboard serves, held in memory with its validator. */
export interface Asset {
  body: string;
  contentType: string;
  etag: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

const asset = (body: string, contentType: string): Asset => ({
  body,
  contentType,
  etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
});

/**
 * Loads every file the page needs, by URL path: uPlot from its package, the stylesheet, and the
 * page's compiled modules that sit beside this file in `client/`. Read once at startup; the
 * dashboard then serves from memory.
 */
export async function loadAssets(): Promise<Map<string, Asset>> {
  const require = createRequire(import.meta.url);
  const uplot = (file: string) => readFile(require.resolve(`uplot/dist/${file}`), 'utf8');
  const assets = new Map<string, Asset>([
    [ASSET_PATHS.uplotScript, asset(await uplot('uPlot.iife.min.js'), JS)],
    [ASSET_PATHS.uplotStyles, asset(await uplot('uPlot.min.css'), CSS)],
    [ASSET_PATHS.styles, asset(DASHBOARD_CSS, CSS)],
  ]);
  const clientDirectory = new URL('./client/', import.meta.url);
  // Run from TypeScript sources (unit tests) the modules are not compiled yet; the API still works.
  const files = await readdir(clientDirectory).catch(() => [] as string[]);
  for (const file of files.filter((name) => name.endsWith('.js'))) {
    const source = await readFile(new URL(file, clientDirectory), 'utf8');
    // Source maps point at sources the collector does not serve; drop the dangling reference.
    const body = source.replace(/\n\/\/# sourceMappingURL=.*$/, '\n');
    assets.set(`/dashboard/${file}`, asset(body, JS));
  }
  return assets;
}

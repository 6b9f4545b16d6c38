/**
 * The three published packages as a stranger gets them: `npm pack` makes their tarballs, which
 * are installed, tarballs only (their own dependencies from the npm registry, nothing linked
 * from this workspace), into scratch apps outside the repository, and run there: the collector's
 * CLI, an app bundling @pulse/sdk and a React 19 app with @pulse/react, both in real Chromium
 * sending beacons to that collector. The React app's TypeScript compiles with
 * `skipLibCheck: false` and without socket.io-client installed, as an app that never uses
 * sockets. And each tarball holds what it should and nothing it should not.
 */
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { exampleBeacon, exampleEvents } from '@pulse/collector';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { startCliCollector, type CliCollector } from '../helpers/cliCollector.js';
import { waitForScrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';
import { npm } from './npm.js';
import { packWorkspaces, type PackedPackage } from './packedPackages.js';
import { createScratchApp, type ScratchApp } from './scratchApp.js';
import { tarballProblems } from './tarballContents.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
const APP = 'packed';
/** Custom events, one per app, pinned so each gets its series at once. */
const SDK_EVENT = 'sdk-app';
const REACT_EVENT = 'react-app';

/** The version of `name` the repository installed: npm's cache holds it, so installs stay local. */
const repoVersion = (name: string) =>
  (
    JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
const fromRegistry = (name: string) => `${name}@${repoVersion(name)}`;

/** The web app's sources: TypeScript, type-checked as they are and bundled by esbuild. */
const WEB_APP_FILES = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      target: 'ES2022',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      jsx: 'react-jsx',
    },
    include: ['src'],
  }),
  'src/env.d.ts': `/** The collector's URL, set when the app is bundled. */
declare const PULSE_COLLECTOR: string;
`,
  'src/sdk-app.ts': `import { init } from '@pulse/sdk';

const pulse = init({ app: '${APP}', collector: PULSE_COLLECTOR });
pulse.track('${SDK_EVENT}');
pulse.flush();
`,
  'src/react-app.tsx': `import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { PulseProvider, usePulse, useTrack } from '@pulse/react';

function SendsOnMount() {
  const pulse = usePulse();
  const track = useTrack();
  useEffect(() => {
    track('${REACT_EVENT}');
    pulse.flush();
  }, [pulse, track]);
  return <p>Sent</p>;
}

createRoot(document.getElementById('root')!).render(
  <PulseProvider config={{ app: '${APP}', collector: PULSE_COLLECTOR }}>
    <SendsOnMount />
  </PulseProvider>,
);
`,
};

describe('the packed packages, installed from their tarballs', () => {
  let scratch: string;
  let packed: Record<string, PackedPackage>;
  let collectorApp: ScratchApp;
  let webApp: ScratchApp;
  let site: StaticServer;
  let collector: CliCollector;
  let browser: Browser;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'pulse-packages-'));
    const tarballs = await packWorkspaces(REPO, ['sdk', 'react-bindings', 'collector'], scratch);
    packed = Object.fromEntries(tarballs.map((pkg) => [pkg.name, pkg]));
    const tarball = (name: string) => packed[name]!.tarball;
    [collectorApp, webApp] = await Promise.all([
      createScratchApp(join(scratch, 'collector-app'), [
        tarball('@pulse/collector'),
        tarball('@pulse/sdk'),
      ]),
      createScratchApp(
        join(scratch, 'web-app'),
        [
          tarball('@pulse/sdk'),
          tarball('@pulse/react'),
          fromRegistry('react'),
          fromRegistry('react-dom'),
          fromRegistry('@types/react'),
          fromRegistry('@types/react-dom'),
        ],
        WEB_APP_FILES,
      ),
    ]);
    site = await serveHtml((path) => pages.get(path));
    // The installed bin, run with node (the shell's way of running it is checked below).
    collector = await startCliCollector(
      [
        '--allow-origin',
        site.url,
        '--app',
        APP,
        '--event-name',
        `${SDK_EVENT},${REACT_EVENT},${exampleEvents.event.name}`,
      ],
      { cli: join(collectorApp.dir, 'node_modules/.bin/pulse-collector') },
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
    await site?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('packs tarballs without build leftovers, with working maps, links and a LICENSE', () => {
    expect(Object.keys(packed).sort()).toEqual(['@pulse/collector', '@pulse/react', '@pulse/sdk']);
    const license = readFileSync(join(REPO, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} Pulse contributors\n/);
    expect(Object.values(packed).flatMap((pkg) => tarballProblems(pkg, license))).toEqual([]);
    // The docs the README links to are in the package, copied from the repository's docs/.
    expect(packed['@pulse/collector']!.files).toContain('docs/SECURITY.md');
    expect(readFileSync(join(packed['@pulse/sdk']!.dir, 'docs/PROTOCOL.md'), 'utf8')).toBe(
      readFileSync(join(REPO, 'docs/PROTOCOL.md'), 'utf8'),
    );
  });

  it('installs the Pulse packages from the tarballs alone, nothing linked from the workspace', () => {
    for (const app of [collectorApp, webApp]) {
      for (const [name, entry] of Object.entries(app.installed)) {
        expect(entry.link, `${name} is a link`).toBeUndefined();
        const where = realpathSync(join(app.dir, 'node_modules', name));
        expect(where.startsWith(`${realpathSync(app.dir)}/`), `${name} is at ${where}`).toBe(true);
        if (name.startsWith('@pulse/')) {
          expect(entry.resolved).toBe(`file:../${basename(packed[name]!.tarball)}`);
        }
      }
    }
    expect(Object.keys(collectorApp.installed)).toContain('fastify');
    expect(webApp.installed.react!.version).toMatch(/^19\./);
    // The app never uses sockets, so socket.io-client is not there for its types to lean on.
    expect(existsSync(join(webApp.dir, 'node_modules/socket.io-client'))).toBe(false);
  });

  it('links the pulse-collector bin, which runs from the shell', async () => {
    const bin = join(collectorApp.dir, 'node_modules/.bin/pulse-collector');
    expect(lstatSync(bin).isSymbolicLink()).toBe(true);
    // `--no`: never fetch a package of that name from the registry when the bin is missing.
    const version = await npm(
      ['exec', '--no', '--', 'pulse-collector', '--version'],
      collectorApp.dir,
    );
    expect(version.trim()).toBe('0.1.0');
  });

  it('runs the collector CLI: health, the script tag build, a beacon counted in /metrics', async () => {
    expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);

    // /pulse.js is the installed @pulse/sdk's build, and the map it is served with has every
    // source inside it: over HTTP, the sources beside the map in the package are out of reach.
    const script = await fetch(`${collector.url}/pulse.js`);
    expect(await script.text()).toBe(
      readFileSync(join(collectorApp.dir, 'node_modules/@pulse/sdk/dist/pulse.js'), 'utf8'),
    );
    const mapUrl = new URL(script.headers.get('sourcemap')!, collector.url);
    const map = (await (await fetch(mapUrl)).json()) as { sourcesContent: unknown[] };
    expect(map.sourcesContent.length).toBeGreaterThan(0);
    expect(map.sourcesContent.every((text) => typeof text === 'string')).toBe(true);

    const beacon = exampleBeacon([exampleEvents.event], { app: APP });
    const answer = await fetch(`${collector.url}/v1/rum`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify(beacon),
    });
    expect(answer.status).toBe(204);
    const metrics = await waitForScrape(
      collector.metricsUrl,
      (scrape) => scrape.value('pulse_beacons_total', { app: APP }) === 1,
    );
    expect(
      metrics.value('pulse_custom_events_total', { app: APP, name: exampleEvents.event.name }),
    ).toBe(exampleEvents.event.value);
  });

  it('type-checks the web app with skipLibCheck: false and no socket.io-client', async () => {
    const result = await run(process.execPath, [TSC, '-p', webApp.dir]).catch(
      (error: { stdout: string }) => error,
    );
    expect(result.stdout).toBe('');
  });

  /** Bundles one entry of the web app with esbuild, as an app's own build would. */
  const bundle = async (entry: string) => {
    const { outputFiles } = await build({
      absWorkingDir: webApp.dir,
      entryPoints: [entry],
      bundle: true,
      format: 'iife',
      write: false,
      jsx: 'automatic',
      define: {
        PULSE_COLLECTOR: JSON.stringify(collector.url),
        'process.env.NODE_ENV': '"production"',
      },
      logLevel: 'silent',
    });
    return outputFiles[0]!.text;
  };

  /** Serves `script` on a page at `path`, opens it in Chromium, waits for its event to arrive. */
  const sendsItsEvent = async (path: string, script: string, event: string) => {
    pages.set(
      path,
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head>
<body><div id="root"></div><script>${script.replaceAll('</script', '<\\/script')}</script></body></html>`,
    );
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${site.url}${path}`);
    const metrics = await waitForScrape(
      collector.metricsUrl,
      (scrape) => scrape.value('pulse_custom_events_total', { app: APP, name: event }) > 0,
    );
    await page.close();
    expect(errors).toEqual([]);
    expect(metrics.value('pulse_custom_events_total', { app: APP, name: event })).toBe(1);
  };

  it('an app bundling @pulse/sdk sends its beacon from Chromium', async () => {
    await sendsItsEvent('/sdk', await bundle('src/sdk-app.ts'), SDK_EVENT);
  });

  it('a React 19 app with @pulse/react sends its beacon from Chromium', async () => {
    const script = await bundle('src/react-app.tsx');
    // React 19's production build, from the registry, is in the bundle.
    expect(script).toContain(`"${webApp.installed.react!.version}"`);
    await sendsItsEvent('/react', script, REACT_EVENT);
  });
});

/**
 * `--data-dir`: the built `pulse-collector` keeps its dashboard's local history on disk, so the
 * 1 h and 24 h ranges show what came before a restart. The CLI is started, sent page views over
 * real sockets, stopped with SIGTERM and started again on the same directory; a corrupt history
 * file is ignored with a warning, and a directory it cannot write is refused at start.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleBeacon, exampleEvents } from '@pulse/collector';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../collector/dist/esm/dashboard/summarySchema.js';
import { beaconAgent, postBeacon } from '../helpers/beaconClient.js';
import { startCliCollector, type CliCollector } from '../helpers/cliCollector.js';
import { eventually } from '../helpers/eventually.js';

const CLI = fileURLToPath(new URL('../../collector/dist/esm/cli.js', import.meta.url));
const APP = 'e2e-history';
const HISTORY_FILE = 'dashboard-history.json';
/**
 * The app and its routes known in advance (otherwise one client cannot admit them as labels), and
 * no Prometheus scrapes these collectors: SIGTERM need not wait for one.
 */
const FLAGS = [
  ...['--app', APP, '--route', '/articles/:slug', '--route', '/'],
  ...['--drain-delay', '0', '--shutdown-scrape-wait', '0'],
];

describe('the dashboard history in --data-dir', () => {
  const agent = beaconAgent();
  let dir: string;
  let collector: CliCollector | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pulse-data-dir-'));
  });
  afterEach(async () => {
    await collector?.stop();
    collector = undefined;
  });
  afterAll(async () => {
    agent.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (data: string) => {
    collector = await startCliCollector(['--data-dir', data, ...FLAGS]);
    return collector;
  };

  async function pageViews(count: number, route = '/articles/:slug') {
    for (let i = 0; i < count; i++) {
      const beacon = exampleBeacon([exampleEvents.view, exampleEvents.page], { app: APP, route });
      expect((await postBeacon(collector!.url, beacon, { agent })).status).toBe(204);
    }
  }

  /** The app's page views the dashboard shows over `range`. */
  async function shown(range: string): Promise<number> {
    const response = await fetch(`${collector!.metricsUrl}/api/v1/summary?range=${range}`);
    expect(response.status).toBe(200);
    const summary = (await response.json()) as Summary;
    return summary.apps.find((app) => app.app === APP)?.overall.pageViews ?? 0;
  }

  it('shows the page views of before a restart on the 1 h and 24 h ranges', async () => {
    const data = join(dir, 'restart');
    await start(data);
    await pageViews(3);
    expect(
      await eventually(
        () => shown('1h'),
        (views) => views === 3,
      ),
    ).toBe(3);
    expect(await collector!.signal('SIGTERM')).toBe(0);
    // Written at once: the file and nothing half-written beside it.
    expect(await readdir(data)).toEqual([HISTORY_FILE]);

    await start(data);
    expect(collector!.logLine('dashboard history restored')).toBeDefined();
    for (const range of ['1h', '24h']) expect(await shown(range), range).toBe(3);
    // The counters themselves started again at zero: the history carries the 3.
    const metrics = await (await fetch(`${collector!.metricsUrl}/metrics`)).text();
    expect(metrics).not.toMatch(new RegExp(`pulse_page_views_total\\{[^}]*app="${APP}"`));
    await pageViews(2, '/');
    expect(
      await eventually(
        () => shown('24h'),
        (views) => views === 5,
      ),
    ).toBe(5);
    expect(await shown('1h')).toBe(5);
  });

  it('starts afresh, with a warning, from a history file that is not one', async () => {
    const data = join(dir, 'corrupt');
    await start(data);
    await pageViews(2);
    expect(await collector!.signal('SIGTERM')).toBe(0);
    await writeFile(join(data, HISTORY_FILE), '{"version":1,"keyLists":[["tr');

    await start(data);
    expect(collector!.logLine('dashboard history ignored; starting without it')).toMatchObject({
      level: 40,
    });
    expect(collector!.logLine('dashboard history restored')).toBeUndefined();
    expect(await shown('1h')).toBe(0);
    await pageViews(1);
    expect(
      await eventually(
        () => shown('1h'),
        (views) => views === 1,
      ),
    ).toBe(1);
  });

  it('refuses a directory it cannot write, at start, in one line naming the flag', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    const result = spawnSync(
      process.execPath,
      [CLI, '--port', '0', '--admin-port', '0', '--data-dir', join(file, 'data')],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toMatch(
      /^pulse-collector: configuration: --data-dir \(PULSE_DATA_DIR, "dataDir"\): ".*a-file\/data" is not a writable directory \(ENOTDIR\)$/,
    );
  });
});

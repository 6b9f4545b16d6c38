import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { Counter, Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HISTORY_FILE, loadHistory } from './historyFile.js';
import { registrySource } from './registrySource.js';
import { SERIES } from './seriesNames.js';

const log = { warn: () => undefined, info: () => undefined } as unknown as FastifyBaseLogger;

describe('the registry source with --data-dir', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pulse-registry-source-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stopped while a snapshot reads the registry, writes the history last and whole', async () => {
    // The page views counter answers a snapshot (not a write's own reading) only when the test
    // lets it: a snapshot can be held in the middle of its reading, as a large registry holds
    // it for many event-loop turns. V8's async stack names the snapshot.
    let gate: Promise<void> | undefined;
    let held = false;
    const registry = new Registry();
    const views = new Counter({
      name: SERIES.pageViews,
      help: 'page views',
      labelNames: ['app', 'route'],
      registers: [registry],
      async collect() {
        const waiting = gate;
        if (waiting === undefined || !new Error().stack?.includes('snapshot')) return;
        gate = undefined;
        held = true;
        await waiting;
      },
    });
    views.inc({ app: 'shop', route: '/' }, 3);
    const source = await registrySource({
      registry,
      pollIntervalMs: 1000,
      snapshotIntervalMs: 20,
      historySize: 10,
      rateWindowMs: 100,
      // A whole reading, and a write, at every snapshot.
      tiers: [{ everyMs: 20, keep: 100 }],
      dataDir: dir,
      log,
    });
    let release = () => {};
    gate = new Promise((resolve) => (release = resolve));
    await vi.waitFor(() => expect(held).toBe(true), { timeout: 10_000, interval: 5 });
    const closing = source.close();
    release();
    await closing;
    const written = await stat(join(dir, HISTORY_FILE));
    const saved = await loadHistory(dir, log);
    expect(saved?.tiers[0]?.stored.length).toBeGreaterThan(0);
    // Nothing writes after close(): before, the held snapshot's own write came after it, from
    // the history close() had cleared, and replaced the file with one of no stored readings a
    // few milliseconds later. Nothing is awaited that could say it will not come: half a second
    // is a generous bound (the check can only miss the fault on a slow machine, never fail
    // without it).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await stat(join(dir, HISTORY_FILE))).ino).toBe(written.ino);
    expect((await loadHistory(dir, log))?.tiers[0]?.stored.length).toBe(
      saved?.tiers[0]?.stored.length,
    );
  });
});

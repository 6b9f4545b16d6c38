import { EVENTS_PER_BEACON, capBeacons, describeLoad } from '../load/capBeacons.js';
import { assertAllAccepted, fire } from '../load/fire.js';
import { fmt, table } from '../markdown.js';
import { loadResult } from '../results.js';
import type { Section } from '../section.js';
import { startChildCollector } from '../server/childServer.js';
import type { ServerStats } from '../server/protocol.js';

const IDLE_SECONDS = 10;
const SAMPLE_SECONDS = 30;
const SCRAPE_SECONDS = 15;
/** Beacons per second when no ingest ceiling has been measured yet. */
const FALLBACK_RATE = 2000;
const MiB = 2 ** 20;

/** One reading of the collector during the soak. */
interface Sample {
  label: string;
  stats: ServerStats;
}

/**
 * Sustained load on the collector for minutes (issue 7): a fixed beacon rate at half the ingest
 * ceiling measured by section 3, with Prometheus-style scrapes, and the collector's RSS, heap and
 * event-loop delay read before, every 30 s during, and after.
 */
export const soakSection: Section = {
  id: 'soak',
  title: '6. Soak: sustained load on the collector',
  async run({ soakSeconds }) {
    const ingest = (await loadResult('ingest'))?.data as
      { pulse: { eventsPerSecond: number } } | undefined;
    const rate = ingest
      ? Math.round(ingest.pulse.eventsPerSecond / EVENTS_PER_BEACON / 2)
      : FALLBACK_RATE;
    const bodies = capBeacons().map((b) => JSON.stringify(b));
    const collector = await startChildCollector();
    const samples: Sample[] = [];
    let scrapes = 0;
    let failedScrapes = 0;
    try {
      const window = async (label: string) => {
        samples.push({ label, stats: await collector.stats() });
        await collector.resetDelay();
      };
      samples.push({ label: 'before, after GC', stats: await collector.stats(true) });
      await collector.resetDelay();
      await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
      await window(`idle ${IDLE_SECONDS} s, before`);

      const started = Date.now();
      const sampler = setInterval(() => {
        const elapsed = (Date.now() - started) / 1000;
        // The reading at the end of the load comes right after it; none just before.
        if (elapsed < soakSeconds - SAMPLE_SECONDS / 2)
          void window(`load, ${Math.round(elapsed)} s`);
      }, SAMPLE_SECONDS * 1000);
      const scraper = setInterval(() => {
        scrapes++;
        fetch(`${collector.admin}/metrics`)
          .then((r) => r.text().then(() => void (r.ok || failedScrapes++)))
          .catch(() => failedScrapes++);
      }, SCRAPE_SECONDS * 1000);
      const load = await fire(collector.origin, '/v1/rum', bodies, {
        seconds: soakSeconds,
        connections: 10,
        rate,
      }).finally(() => {
        clearInterval(sampler);
        clearInterval(scraper);
      });
      assertAllAccepted('soak', load);
      await window(`load, end (${soakSeconds} s)`);
      await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
      await window(`idle ${IDLE_SECONDS} s, after`);
      samples.push({ label: 'after, after GC', stats: await collector.stats(true) });

      const gcBefore = samples[0]!.stats;
      const first = samples[1]!.stats;
      const last = samples.at(-2)!.stats;
      const gcAfter = samples.at(-1)!.stats;
      const body = [
        `A fresh collector process (configured as in section 3) under a fixed rate of ${fmt(rate)} beacons/s (${fmt(rate * EVENTS_PER_BEACON)} events/s, half the ingest ceiling section 3 measured${ingest ? '' : ' — not measured yet, so a fixed rate'}) for ${soakSeconds} s from autocannon (10 connections), cycling through ${describeLoad()}, with a \`GET /metrics\` on its admin side every ${SCRAPE_SECONDS} s. RSS, heap and event-loop delay (\`perf_hooks.monitorEventLoopDelay\` inside the collector, 10 ms sampling; shown as the lateness beyond the sampling interval) are read for ${IDLE_SECONDS} s idle before, every ${SAMPLE_SECONDS} s under load (delay over the preceding window), and ${IDLE_SECONDS} s idle after. Configure the length with \`BENCH_SOAK_SECONDS\`.`,
        '',
        table(
          ['window', ' RSS MiB', ' heap used MiB', ' loop delay p50 ms', ' p99 ms', ' max ms'],
          samples.map(({ label, stats }) => [
            label,
            fmt(stats.rss / MiB, 1),
            fmt(stats.heapUsed / MiB, 1),
            label.includes('GC') ? '' : fmt(stats.delay.p50, 1),
            label.includes('GC') ? '' : fmt(stats.delay.p99, 1),
            label.includes('GC') ? '' : fmt(stats.delay.max, 1),
          ]),
        ),
        '',
        `Delivered: ${fmt(load.ok)} beacons (${fmt(load.ok * EVENTS_PER_BEACON)} events), all 204, at ${fmt(load.requestsPerSecond)} beacons/s; latency p50 ${fmt(load.p50)} ms, p99 ${fmt(load.p99)} ms; ${scrapes} scrapes, ${failedScrapes} failed. RSS before → after: ${fmt(first.rss / MiB, 1)} → ${fmt(last.rss / MiB, 1)} MiB; heap used after a full GC before → after: ${fmt(gcBefore.heapUsed / MiB, 1)} → ${fmt(gcAfter.heapUsed / MiB, 1)} MiB (RSS keeps the pages V8 grew its heap to; what survives a GC is what the collector holds); event-loop delay p99 idle before → idle after: ${fmt(first.delay.p99, 1)} → ${fmt(last.delay.p99, 1)} ms. Under load the delay's maximum is a scrape's largest metric family or a major GC: see the scrape profile in section 3.`,
      ].join('\n');
      if (failedScrapes)
        throw new Error(`${failedScrapes} of ${scrapes} scrapes failed during the soak`);
      return { goals: [], body, data: { rate, samples } };
    } finally {
      await collector.close();
    }
  },
};

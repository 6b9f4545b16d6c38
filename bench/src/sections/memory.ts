import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { EVENTS_PER_BEACON, capBeacons, describeLoad } from '../load/capBeacons.js';
import { assertAllAccepted, fire } from '../load/fire.js';
import { fmt, table } from '../markdown.js';
import type { Section } from '../section.js';
import type { SdkHourReport } from '../sdkHour/protocol.js';
import { startChildServer } from '../server/childServer.js';

const MILLION = 1_000_000;
const MiB = 2 ** 20;
const mib = (bytes: number) => fmt(bytes / MiB, 1);
const SDK_HOUR_SCRIPT = fileURLToPath(new URL('./sdkHourProcess.js', import.meta.url));

/** Collector RSS after a million events, and SDK heap over one simulated hour. */
export const memorySection: Section = {
  id: 'memory',
  title: '4. Memory',
  async run() {
    // Collector: a fresh process, a million events spread over every series the ceiling allows.
    const collector = await startChildServer('collector');
    const bodies = capBeacons().map((b) => JSON.stringify(b));
    let before, after, afterGc, load;
    try {
      before = await collector.stats(true);
      load = await fire(collector.origin, '/v1/rum', bodies, {
        amount: MILLION / EVENTS_PER_BEACON,
        connections: 10,
      });
      assertAllAccepted('collector', load);
      after = await collector.stats(false);
      afterGc = await collector.stats(true);
    } finally {
      await collector.close();
    }

    // SDK: one simulated hour against a real collector and a real socket.io server.
    const sink = await startChildServer('collector');
    const sockets = await startChildServer('socket');
    let hour: SdkHourReport;
    try {
      const child = fork(SDK_HOUR_SCRIPT, [sink.origin, sockets.origin, '60'], {
        execArgv: ['--expose-gc'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const [message] = (await Promise.race([
        once(child, 'message'),
        once(child, 'exit').then(([code]) => {
          throw new Error(`the simulated hour exited with ${code}`);
        }),
      ])) as [SdkHourReport];
      hour = message;
      await once(child, 'exit');
    } finally {
      await sink.close();
      await sockets.close();
    }
    if (hour.probesAnswered < hour.probesSent * 0.99 || hour.beaconsAccepted < hour.beaconsSent) {
      throw new Error(`the simulated hour did not run cleanly: ${JSON.stringify(hour)}`);
    }
    const start = hour.checkpoints[0]!.heapUsed;
    const sdkBytes = hour.retainedBySdk.reduce((sum, r) => sum + r.bytes, 0);
    const end = hour.checkpoints.at(-1)!.heapUsed;

    const body = [
      '### Collector RSS after 1M events at the default series ceiling',
      '',
      `A fresh collector process (configured as in section 3) receives ${fmt(MILLION)} events: ${fmt(MILLION / EVENTS_PER_BEACON)} beacons of ${EVENTS_PER_BEACON} events from autocannon (10 connections), cycling through ${describeLoad()}. Memory read inside the process; "after GC" follows a forced full collection (\`--expose-gc\`).`,
      '',
      table(
        ['when', ' RSS MiB', ' heap used MiB', ' heap total MiB', ' external MiB'],
        [
          [
            'idle, before',
            mib(before.rss),
            mib(before.heapUsed),
            mib(before.heapTotal),
            mib(before.external),
          ],
          [
            'after 1M events',
            mib(after.rss),
            mib(after.heapUsed),
            mib(after.heapTotal),
            mib(after.external),
          ],
          [
            'after 1M events, after GC',
            mib(afterGc.rss),
            mib(afterGc.heapUsed),
            mib(afterGc.heapTotal),
            mib(afterGc.external),
          ],
        ],
      ),
      '',
      `Load: ${fmt(load.requestsPerSecond * EVENTS_PER_BEACON)} events/s, all ${fmt(load.ok)} beacons answered 204.`,
      '',
      '### SDK heap over one simulated hour',
      '',
      "Chromium cannot fast-forward a real socket.io connection (its virtual time would expire heartbeats and probe timeouts against a server living in real time), so the hour runs in Node: the SDK's ESM build (`@pulse/sdk`, `@pulse/sdk/socket.io`) with a happy-dom window as the page and a fake clock (@sinonjs/fake-timers) driving its timers in 2 s steps: a probe every 2 s, a socket summary every 10 s, a flush every 5 s, plus app activity (a `track()` every 10 s, a `time()` every 30 s, an SPA route change every 5 min). The network is real: probes go through socket.io-client over a websocket to a socket.io server with `attachPulse`, batches are POSTed to a Pulse collector; each step waits for the probe's ack and the batches in flight before the clock moves on. Heap used after a full GC, in the SDK's process (which also holds happy-dom and socket.io-client: the growth is what matters).",
      '',
      table(
        ['simulated minute', ' heap used MiB', ' growth since minute 0 KiB'],
        hour.checkpoints.map((c) => [
          String(c.minute),
          mib(c.heapUsed),
          fmt((c.heapUsed - start) / 1024, 1),
        ]),
      ),
      '',
      table(
        [
          ' probes sent',
          ' acked',
          ' events recorded',
          ' beacons sent',
          ' accepted',
          ' beacon bytes',
          ' real seconds',
        ],
        [
          [
            fmt(hour.probesSent),
            fmt(hour.probesAnswered),
            fmt(hour.eventsRecorded),
            fmt(hour.beaconsSent),
            fmt(hour.beaconsAccepted),
            fmt(hour.beaconBytes),
            fmt(hour.realSeconds, 1),
          ],
        ],
      ),
      '',
      `Heap growth over the hour: ${fmt((end - start) / 1024, 1)} KiB (minute 0 → 60), of which ${fmt((end - hour.checkpoints.find((c) => c.minute === hour.retainedSince)!.heapUsed) / 1024, 1)} KiB after minute ${hour.retainedSince} (the first minutes load and compile code paths: fetch, JSON, socket.io acks).`,
      '',
      `Where the memory still alive at minute 60 was allocated, for allocations made after minute ${hour.retainedSince} (V8 sampling heap profiler, 256 B interval, via node:inspector; innermost script frame):`,
      '',
      table(
        ['allocated at', ' live KiB'],
        hour.retained.map((r) => [`\`${r.where}\``, fmt(r.bytes / 1024, 1)]),
      ),
      '',
      `Allocated in Pulse's own code (frames in \`sdk/dist\`) and still alive: ${fmt(sdkBytes / 1024, 1)} KiB${hour.retainedBySdk.length ? ', at:' : '.'}`,
      '',
      hour.retainedBySdk.length
        ? table(
            ['allocated at (Pulse)', ' live KiB'],
            hour.retainedBySdk.map((r) => [`\`${r.where}\``, fmt(r.bytes / 1024, 1)]),
          )
        : '',
      '',
      `The rest is Node's fetch (undici connection timing info and the resource-timing entries Node buffers, up to 250) and socket.io-client's emitter: the page's runtime, which a browser would hold in its own network stack.`,
    ].join('\n');
    return {
      goals: [],
      body,
      data: { collectorRss: afterGc.rss, sdkGrowth: end - start, retainedBySdk: sdkBytes },
    };
  },
};

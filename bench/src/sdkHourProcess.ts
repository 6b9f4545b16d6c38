// One simulated hour of the SDK in a page that stays open: the ESM build (`@pulse/sdk` and
// `@pulse/sdk/socket.io`) in Node, with happy-dom's window as the page and a fake clock (sinon)
// that runs the SDK's timers — probe every 2 s, summary every 10 s, flush every 5 s — for an hour
// in seconds. The network is real: probes go through socket.io-client to a socket.io server with
// attachPulse, batches to a Pulse collector, both in other processes. The heap is read after a
// full GC at checkpoints and sent to the parent over IPC.
//
//   node --expose-gc sdkHourProcess.js <collector origin> <socket origin> <minutes>
import { Session } from 'node:inspector/promises';
import { setTimeout as realWait } from 'node:timers/promises';
import FakeTimers from '@sinonjs/fake-timers';
import { io } from 'socket.io-client';
import { retainedBySite, type HeapProfileNode } from './profile/retained.js';
import { installBrowserGlobals } from './sdkHour/browserGlobals.js';
import type { SdkHourReport } from './sdkHour/protocol.js';

const [collector, socketOrigin, minutesArg] = process.argv.slice(2) as [string, string, string];
const minutes = Number(minutesArg);
const STEP_MS = 2000;
const CHECKPOINTS = [0, 5, 15, 30, 45, 60].filter((m) => m <= minutes);
/** From this minute on (code loaded and warm), surviving allocations are sampled by site. */
const SAMPLE_FROM_MINUTE = 5;
const inspector = new Session();
inspector.connect();

const gc = (globalThis as { gc?: () => void }).gc!;
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const started = performance.now();

const baselineHeap = heap();
installBrowserGlobals('https://shop.example/products/42');

// The socket is made before the clock is faked: engine.io binds its heartbeat timers when a
// socket is created, and those must follow real time, as the server's heartbeats do.
const socket = io(socketOrigin, { transports: ['websocket'] });
await new Promise<void>((resolve, reject) => {
  socket.once('connect', resolve);
  socket.once('connect_error', reject);
});
let probesSent = 0;
socket.onAnyOutgoing((event: string) => void (event === 'pulse:ping' && probesSent++));

// Every batch goes through the real fetch; the wrapper counts them and lets each step wait for
// the network before the clock moves on.
const realFetch = globalThis.fetch;
const inFlight = new Set<Promise<unknown>>();
let beaconsSent = 0;
let beaconsAccepted = 0;
let beaconBytes = 0;
globalThis.fetch = (input, init) => {
  beaconsSent++;
  beaconBytes += typeof init?.body === 'string' ? Buffer.byteLength(init.body) : 0;
  const request = realFetch(input, init).then((response) => {
    if (response.ok) beaconsAccepted++;
    return response;
  });
  inFlight.add(request);
  void request.finally(() => inFlight.delete(request)).catch(() => {});
  return request;
};

// Node loads its fetch implementation on first use; load it now so minute 0 already holds it.
await (await realFetch(`${collector}/healthz`)).text();

const clock = FakeTimers.install({
  toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
});
const { init } = await import('@pulse/sdk');
const { monitorSocket } = await import('@pulse/sdk/socket.io');
const pulse = init({ app: 'bench', collector, release: '1.4.2' });
let probesAnswered = 0;
let eventsRecorded = 0;
pulse.onMetric((update) => {
  if (update.k === 'probe') probesAnswered += update.rtt === null ? 0 : 1;
  else if (update.k !== 'vital') eventsRecorded++;
});
monitorSocket(pulse, socket);

const checkpoints: SdkHourReport['checkpoints'] = [];
const routes = ['/products/:id', '/cart', '/checkout', '/search'];
for (let step = 0, ms = 0; ms <= minutes * 60_000; step++, ms += STEP_MS) {
  const minute = ms / 60_000;
  if (CHECKPOINTS.includes(minute)) checkpoints.push({ minute, heapUsed: heap() });
  if (minute === SAMPLE_FROM_MINUTE) {
    await inspector.post('HeapProfiler.startSampling', { samplingInterval: 256 });
  }
  if (ms === minutes * 60_000) break;
  // The app's own activity: a business event every 10 s, a timing every 30 s, and an SPA
  // route change every 5 minutes, which ends one page view and starts another.
  if (step % 5 === 0) pulse.track('add-to-cart');
  if (step % 15 === 0) pulse.time('search-results', 120 + (step % 7) * 10);
  if (step % 150 === 149) pulse.setRoute(routes[((step / 150) % routes.length) | 0]!);
  await clock.tickAsync(STEP_MS);
  // Wait (in real time, bounded) for the probe's ack and for every batch in flight;
  // node:timers/promises is not faked.
  for (let i = 0; i < 200 && (probesAnswered < probesSent || inFlight.size); i++) {
    await Promise.allSettled([...inFlight]);
    if (probesAnswered < probesSent) await realWait(1);
  }
}
clock.uninstall();
heap();
const { profile } = await inspector.post('HeapProfiler.getSamplingProfile');
await inspector.post('HeapProfiler.stopSampling');
const retained = retainedBySite(profile.head as HeapProfileNode);
socket.close();

const report: SdkHourReport = {
  baselineHeap,
  checkpoints,
  probesSent,
  probesAnswered,
  beaconsSent,
  beaconsAccepted,
  beaconBytes,
  eventsRecorded,
  realSeconds: (performance.now() - started) / 1000,
  retainedSince: SAMPLE_FROM_MINUTE,
  retained: retained.slice(0, 12),
  retainedBySdk: retained.filter((r) => r.where.includes('sdk/dist/')),
};
process.send!(report);
process.disconnect();

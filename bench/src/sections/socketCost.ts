import type { CDPSession, Page } from 'playwright-core';
import { join } from 'node:path';
import { launchChromium } from '../chromium.js';
import { fmt, ratio, table } from '../markdown.js';
import { startPageServer } from '../page/pageServer.js';
import { REPO_ROOT, SDK_DIST } from '../paths.js';
import type { Section } from '../section.js';
import { startChildServer } from '../server/childServer.js';

/** Seconds both pages sit connected before the probe starts: the server's idle CPU baseline. */
const IDLE_SECONDS = 10;
const INTERVAL_MS = 2000;
/**
 * CPU per probe is too small to read off 30 probes a minute, so it is measured on a burst: the
 * same monitor with a 20 ms interval for 10 s (about 500 probes), same code path per probe.
 */
const BURST_INTERVAL_MS = 20;
const BURST_SECONDS = 10;

/** The page's view of Pulse, its socket, and the probe counters the bench adds. */
interface ProbedWindow {
  Pulse: {
    monitorSocket(socket: unknown, options?: { interval?: number }): () => void;
    onMetric(listener: (update: { k: string; rtt?: number | null }) => void): void;
  };
  socket: unknown;
  probes: number;
  stopProbe?: () => void;
}

/**
 * The baseline of a probe: the same socket emits a plain `bench:echo` event with a probe-sized
 * payload and an ack, which the server answers with the payload, every `ms`, without Pulse.
 * Returns the stop function's name on window; `echoes` counts the acks.
 */
const startEcho = (ms: number) => {
  const w = window as unknown as {
    socket: { emit(event: string, payload: unknown, ack: () => void): void };
    echoes: number;
    stopEcho: () => void;
  };
  w.echoes = 0;
  let s = 0;
  const timer = setInterval(() => {
    s = (s + 1) % 0x10000;
    w.socket.emit('bench:echo', { s, t: Date.now() }, () => w.echoes++);
  }, ms);
  w.stopEcho = () => clearInterval(timer);
};

/**
 * A page with socket.io-client connected (websocket only) to `socketOrigin`, and Pulse loaded by
 * script tag with its socket plugin; `name` routes its beacons to `/<name>/v1/rum`.
 */
const socketPage = (name: string, socketOrigin: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>chat</title>
<script src="/socket.io.min.js"></script>
<script src="/pulse.js" data-app="bench" data-collector="/${name}"></script>
<script src="/pulse.socket.js"></script>
<script>
  window.socket = io(${JSON.stringify(socketOrigin)}, { transports: ['websocket'] });
  socket.on('connect', () => (window.connected = true));
</script>
</head><body><p>chat</p></body></html>`;

/** WebSocket frame bytes a page sent and received, split into probe traffic and the rest. */
interface FrameTally {
  probeBytes: number;
  probeFrames: number;
  otherBytes: number;
  otherFrames: number;
}

/**
 * Bytes of one frame on the wire: payload plus RFC 6455 framing (2 bytes, 2 more past 125 bytes
 * of payload, and the 4-byte mask on frames a client sends).
 */
const frameBytes = (payload: string, fromClient: boolean) => {
  const length = Buffer.byteLength(payload);
  return length + 2 + (length > 125 ? 2 : 0) + (fromClient ? 4 : 0);
};

/**
 * Counts the page's WebSocket frames from CDP. A probe is `42<ack id>["pulse:ping",…]` going
 * out; its ack is `43<ack id>[…]` coming back (socket.io's EVENT and ACK packets).
 */
async function tallyFrames(cdp: CDPSession): Promise<FrameTally> {
  const tally: FrameTally = { probeBytes: 0, probeFrames: 0, otherBytes: 0, otherFrames: 0 };
  const count = (payload: string, fromClient: boolean, isProbe: boolean) => {
    const bytes = frameBytes(payload, fromClient);
    if (isProbe) {
      tally.probeBytes += bytes;
      tally.probeFrames++;
    } else {
      tally.otherBytes += bytes;
      tally.otherFrames++;
    }
  };
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameSent', ({ response }) =>
    count(response.payloadData, true, /^42\d+\["pulse:ping"/.test(response.payloadData)),
  );
  cdp.on('Network.webSocketFrameReceived', ({ response }) =>
    count(response.payloadData, false, /^43\d+\[/.test(response.payloadData)),
  );
  return tally;
}

/** Main-thread CPU time (ms) the page's scripts have used so far. */
async function scriptMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'ScriptDuration')?.value ?? NaN) * 1000;
}

async function openPage(page: Page, url: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.goto(url);
  await page.waitForFunction('window.connected === true');
  return cdp;
}

/** Wire bytes and CPU of the socket probe at its default 2 s interval, client and server. */
export const socketCostSection: Section = {
  id: 'socket',
  title: '5. Socket probe cost',
  async run({ socketSeconds }) {
    const sockets = await startChildServer('socket');
    const server = await startPageServer(
      {
        control: socketPage('control', sockets.origin),
        probed: socketPage('probed', sockets.origin),
      },
      {
        '/socket.io.min.js': join(REPO_ROOT, 'node_modules/socket.io-client/dist/socket.io.min.js'),
        '/pulse.js': join(SDK_DIST, 'pulse.js'),
        '/pulse.socket.js': join(SDK_DIST, 'pulse.socket.js'),
      },
    );
    const browser = await launchChromium();
    try {
      const control = await browser.newPage();
      const probed = await browser.newPage();
      const controlCdp = await openPage(control, `${server.origin}/control.html`);
      const probedCdp = await openPage(probed, `${server.origin}/probed.html`);

      const frames = await tallyFrames(probedCdp);
      const controlFrames = await tallyFrames(controlCdp);
      await probed.evaluate(() => {
        const w = window as unknown as ProbedWindow;
        w.probes = 0;
        w.Pulse.onMetric((u) => void (u.k === 'probe' && u.rtt != null && w.probes++));
      });
      const startProbe = (interval: number) =>
        probed.evaluate((ms) => {
          const w = window as unknown as ProbedWindow;
          w.stopProbe?.();
          w.stopProbe = w.Pulse.monitorSocket(w.socket, { interval: ms });
          return w.probes;
        }, interval);
      const answeredSoFar = () => probed.evaluate(() => (window as unknown as ProbedWindow).probes);
      const beacons = (name: string) => server.beaconBytes.get(`/${name}/v1/rum`) ?? 0;
      const scripts = async () => ({
        control: await scriptMs(controlCdp),
        probed: await scriptMs(probedCdp),
      });
      const cpu = async () => {
        const s = await sockets.stats();
        return (s.cpuUser + s.cpuSystem) / 1000;
      };

      // Idle: both connected, nothing probing. The server's CPU over this window is its baseline.
      await probed.waitForTimeout(3000);
      const idleStart = await cpu();
      await probed.waitForTimeout(IDLE_SECONDS * 1000);
      const serverIdleRate = ((await cpu()) - idleStart) / IDLE_SECONDS;

      // The default interval, in real time: what the wire carries per minute.
      const before = {
        probed: beacons('probed'),
        control: beacons('control'),
        frames: { ...frames },
      };
      const answeredBefore = await startProbe(INTERVAL_MS);
      await probed.waitForTimeout(socketSeconds * 1000);
      const answered = (await answeredSoFar()) - answeredBefore;
      const measured = {
        controlBytes: controlFrames.probeBytes + controlFrames.otherBytes,
        probeBytes: frames.probeBytes - before.frames.probeBytes,
        otherBytes: frames.otherBytes - before.frames.otherBytes,
        summaryBytes: beacons('probed') - before.probed - (beacons('control') - before.control),
      };
      if (answered < (socketSeconds * 1000) / INTERVAL_MS - 2) {
        throw new Error(`only ${answered} probes answered in ${socketSeconds} s`);
      }

      // The burst: CPU per probe, client (probed minus control page) and server (minus idle).
      const scriptsBefore = await scripts();
      const serverBefore = await cpu();
      const burstBefore = await startProbe(BURST_INTERVAL_MS);
      await probed.waitForTimeout(BURST_SECONDS * 1000);
      const burst = (await answeredSoFar()) - burstBefore;
      const serverProbeMs = (await cpu()) - serverBefore - serverIdleRate * BURST_SECONDS;
      const scriptsAfter = await scripts();
      await probed.evaluate(() => (window as unknown as ProbedWindow).stopProbe?.());
      const clientProbeMs =
        scriptsAfter.probed - scriptsBefore.probed - (scriptsAfter.control - scriptsBefore.control);
      // The same burst of plain acked events from the control page: what socket.io itself costs.
      const echoScriptsBefore = await scripts();
      const echoServerBefore = await cpu();
      await control.evaluate(startEcho, BURST_INTERVAL_MS);
      await control.waitForTimeout(BURST_SECONDS * 1000);
      const echoes = (await control.evaluate(() => {
        const w = window as unknown as { echoes: number; stopEcho(): void };
        w.stopEcho();
        return w.echoes;
      })) as number;
      const serverEchoMs = (await cpu()) - echoServerBefore - serverIdleRate * BURST_SECONDS;
      const echoScriptsAfter = await scripts();
      const clientEchoMs =
        echoScriptsAfter.control -
        echoScriptsBefore.control -
        (echoScriptsAfter.probed - echoScriptsBefore.probed);
      const perEcho = { client: clientEchoMs / echoes, server: serverEchoMs / echoes };

      const perMinute = (n: number) => (n * 60) / socketSeconds;
      const perProbe = { client: clientProbeMs / burst, server: serverProbeMs / burst };
      const probesPerMinute = 60_000 / INTERVAL_MS;
      const cpuRow = (label: string, msPerProbe: number) => [
        label,
        fmt(msPerProbe * probesPerMinute, 2),
        fmt(msPerProbe, 3),
      ];

      const body = [
        `Two pages in Chromium, each with socket.io-client (${'websocket'} transport) connected to one socket.io server with \`attachPulse\` (its own Node process on 127.0.0.1) and Pulse loaded by script tag with \`/pulse.socket.js\`. After ${IDLE_SECONDS} s connected and idle (the server's baseline CPU), one page calls \`Pulse.monitorSocket(socket)\` with the defaults (probe every ${INTERVAL_MS / 1000} s, timeout 5 s, summary every 10 s); the other is the control. Measured for ${socketSeconds} s: WebSocket frames from CDP (\`Network.webSocketFrameSent/Received\`), counted as payload plus RFC 6455 framing (TCP/IP headers, about 52 B per segment, not included); client CPU as the probed page's main-thread script time (CDP \`Performance.getMetrics\`, threadTicks) minus the control page's over the same time; server CPU from \`process.cpuUsage()\` in the server process minus its idle rate.`,
        '',
        table(
          ['what', ' per minute', ' per probe'],
          [
            ['probes answered', fmt(perMinute(answered), 1), ''],
            [
              'probe + ack frames, bytes on the wire',
              fmt(perMinute(measured.probeBytes)),
              fmt(measured.probeBytes / answered, 1),
            ],
            [
              'other socket.io frames on the probed page (engine.io heartbeats), bytes',
              fmt(perMinute(measured.otherBytes)),
              '',
            ],
            [
              'socket summaries inside beacons (HTTP body bytes, probed minus control page)',
              fmt(perMinute(measured.summaryBytes)),
              '',
            ],
            cpuRow('client main-thread CPU (from the burst), ms', perProbe.client),
            cpuRow('server CPU, socket.io + attachPulse (from the burst), ms', perProbe.server),
            cpuRow('baseline: client CPU of a plain socket.io emit + ack, ms', perEcho.client),
            cpuRow('baseline: server CPU of a plain socket.io emit + ack, ms', perEcho.server),
          ],
        ),
        '',
        `A probe costs ${ratio(perProbe.client / perEcho.client)} of a plain acked socket.io event on the client and ${ratio(perProbe.server / perEcho.server)} on the server (same run, same socket, same burst length; the baseline burst runs on the control page with a probe-sized payload and ${fmt(echoes)} acks).`,
        '',
        `CPU per probe comes from a burst: the same monitor with a ${BURST_INTERVAL_MS} ms interval for ${BURST_SECONDS} s (${fmt(burst)} probes answered), so each probe runs the same code as at the default interval but enough of them run to be measured; per minute = per probe x ${probesPerMinute}. The control page's frames over the same window: ${fmt(perMinute(measured.controlBytes))} B/min. \`process.cpuUsage()\` counts in scheduler ticks, so the server figures are good to a few percent.`,
      ].join('\n');
      return {
        goals: [],
        body,
        data: { answered, measured, burst, perProbe, perEcho },
      };
    } finally {
      await browser.close();
      await server.close();
      await sockets.close();
    }
  },
};

import { WS_PROBE, WS_PROBE_ANSWER, type DisconnectReason } from '../protocol.js';
import type { PulseClient } from '../types.js';
import { safe } from '../lib/safe.js';
import { createRttEstimator } from '../socket/rttEstimator.js';
import { createProbeLoop } from '../socket/probeLoop.js';
import type { MonitorSocketOptions } from '../socket/monitorSocket.js';

/** A browser `WebSocket`, as far as the monitor uses it. */
export interface MonitoredWebSocket {
  readonly readyState: number;
  send(data: string): void;
  addEventListener(type: 'message' | 'open' | 'close', listener: (event: never) => void): void;
  removeEventListener(type: 'message' | 'open' | 'close', listener: (event: never) => void): void;
}

/** Options of `monitorWebSocket`: those of `monitorSocket` without delivery tracking. */
export type MonitorWebSocketOptions = Omit<MonitorSocketOptions, 'delivery'>;

const OPEN = 1;

/**
 * Measures a plain WebSocket's quality with the same probes, estimators and score as the
 * socket.io monitor: a text frame `WS_PROBE` + `"<s> <t>"` every `interval` ms, answered by a
 * server using `@pulse/collector/ws`. Results go live (`k: 'probe'`) and every `reportEvery`
 * ms into a `k: 'socket'` summary with `transport: 'websocket'`. Call it right after
 * `new WebSocket(...)`, before adding your own listeners (see below). Returns `stop()`, which
 * sends the last partial summary and removes every listener and timer; it also runs by itself
 * when the socket closes (a plain WebSocket never reopens: monitor its successor).
 *
 * How probe answers never reach the app's `onmessage` or `message` listeners, without
 * wrapping or patching anything: listeners of an event target run in the order they were
 * added, and the monitor's, added first, calls `stopImmediatePropagation()` on an answer, so no
 * listener added after it (an `onmessage` handler takes its place when first set) sees the
 * frame. A listener the app added before `monitorWebSocket` would see answers, so with an
 * `onmessage` already set the monitor sends no probes at all (messages and closes are still
 * counted). The app's own messages go through untouched; they are counted in `msgIn`. What the
 * app sends is not counted (`msgOut` is 0): that would need wrapping `send()`.
 */
export function monitorWebSocket(
  pulse: PulseClient,
  ws: MonitoredWebSocket,
  { interval = 2000, timeout = 5000, reportEvery = 10000 }: MonitorWebSocketOptions = {},
): () => void {
  if (!pulse.sampled) return () => {};
  const now = () => performance.now();
  const stats = createRttEstimator();
  // An app handler set before the monitor would run before its listener, and see answers.
  const probing = (ws as { onmessage?: unknown }).onmessage == null;
  let everOpen = ws.readyState === OPEN;
  const connectStart = everOpen ? undefined : now();
  let connectMs: number | undefined;
  let msgIn = 0;
  let disconnects: DisconnectReason[] = [];

  const [tick, answer, clearProbes] = createProbeLoop(
    pulse,
    stats,
    timeout,
    () => ws.readyState === OPEN,
    () => everOpen,
    (s, t) => ws.send(`${WS_PROBE}${s} ${t}`),
    () => 'websocket',
  );

  const report = safe(() => {
    const window = stats.take();
    if (window.probes || disconnects.length || msgIn) {
      pulse.record({
        k: 'socket',
        transport: 'websocket',
        ...window,
        connectMs,
        reconnects: 0,
        disconnects,
        upgrades: 0,
        msgIn,
        msgOut: 0,
      });
    }
    connectMs = undefined;
    msgIn = 0;
    disconnects = [];
  });

  const onMessage = (event: MessageEvent) => {
    const { data } = event;
    if (typeof data === 'string' && data.startsWith(WS_PROBE_ANSWER)) {
      event.stopImmediatePropagation();
      const [s, t] = data.slice(WS_PROBE_ANSWER.length).split(' ').map(Number);
      safe(() => answer(s!, t!))();
      return;
    }
    msgIn++;
  };
  const onOpen = safe(() => {
    everOpen = true;
    if (connectStart !== undefined) connectMs = now() - connectStart;
  });
  // A socket that never opened was a failed connection attempt, not a disconnect.
  const onClose = safe(() => {
    if (everOpen) disconnects.push('transport close');
    stop();
  });

  const listeners: [string, (event: never) => void][] = [
    ['message', onMessage],
    ['open', onOpen],
    ['close', onClose],
  ];
  listeners.forEach(([type, listener]) => ws.addEventListener(type as 'message', listener));
  const probeTimer = probing ? setInterval(safe(tick), interval) : undefined;
  const reportTimer = setInterval(report, reportEvery);

  const teardown = [
    () =>
      listeners.forEach(([type, listener]) => ws.removeEventListener(type as 'message', listener)),
    () => clearInterval(probeTimer),
    () => clearInterval(reportTimer),
    report,
    clearProbes,
  ];
  const stop = () => teardown.splice(0).forEach((undo) => undo());
  return stop;
}

import type { PeerState } from '../protocol.js';
import type { PulseClient } from '../types.js';
import { safe } from '../lib/safe.js';
import { callWindow, type StatsReport } from './callWindow.js';

/** An `RTCPeerConnection`, as far as the monitor uses it: it only reads and listens. */
export interface MonitoredPeerConnection {
  readonly connectionState: string;
  readonly iceConnectionState: string;
  getStats(): Promise<StatsReport>;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** Options of `monitorPeerConnection`. */
export interface MonitorPeerConnectionOptions {
  /** Milliseconds per reporting window: one `getStats()` and one `webrtc` event each. Default 10000. */
  interval?: number;
}

/** ICE states the connection state has no word for; the others are counted from it. */
const ICE_ONLY: readonly string[] = ['checking', 'completed'];

/**
 * Measures a WebRTC call's quality: every `interval` ms it reads `pc.getStats()` and records a
 * `k: 'webrtc'` window (RTT, jitter and loss per media kind and direction, concealment, frames,
 * candidate type, bandwidth) from the growth of the browser's counters since the last reading,
 * with the ICE and connection state changes seen in between. A window is also recorded at each
 * change to `failed` or `closed` and at `stop()`, so a call that ends between two readings still
 * reports its end. `close()` changes the state without an event, so each window also checks the
 * state itself.
 *
 * The connection is only read: `RTCPeerConnection` is never wrapped or patched, and the monitor
 * adds two listeners that `stop()` removes, with its timer. A `getStats()` that rejects or throws
 * (a closed connection) costs only that window.
 */
export function monitorPeerConnection(
  pulse: PulseClient,
  pc: MonitoredPeerConnection,
  { interval = 10000 }: MonitorPeerConnectionOptions = {},
): () => void {
  if (!pulse.sampled) return () => {};
  let before: StatsReport | undefined;
  const states: PeerState[] = [];
  /** The connection state last counted: `close()` changes it without an event, so it is polled too. */
  let counted = pc.connectionState;
  let stopped = false;
  /**
   * One reading at a time: a window asked for while one is in flight is taken right after it, so
   * readings stay in order and a `getStats()` that never settles holds one reading, not one per
   * interval.
   */
  let inFlight = false;
  let queued = false;
  /** The window of a report; a report that cannot be read costs its figures, not the states. */
  const windowOf = safe(callWindow);

  const read = (report: boolean): void => {
    if (inFlight) {
      queued ||= report;
      return;
    }
    inFlight = true;
    void Promise.resolve()
      .then(() => pc.getStats())
      .then(
        (now) => now,
        () => undefined,
      )
      .then(
        safe((now: StatsReport | undefined) => {
          // The baseline reading leaves the changes to the first window.
          const changes = report ? states.splice(0) : [];
          // Without stats (a closed connection), the state changes still go out.
          if (report && (now || changes.length)) {
            pulse.record(
              (now && windowOf(before, now, changes)) || { k: 'webrtc', states: changes },
            );
          }
          before = now ?? before;
        }),
      )
      .then(() => {
        inFlight = false;
        if (queued) {
          queued = false;
          read(true);
        }
      });
  };

  /** Counts a change of the connection state; true when the call has ended (failed, closed). */
  const noteConnection = () => {
    const state = pc.connectionState;
    if (state === counted) return false;
    counted = state;
    states.push(state as PeerState);
    return state === 'failed' || state === 'closed';
  };
  const take = safe(() => {
    if (stopped) return;
    noteConnection();
    read(true);
  });
  // A failed or closed call reports at once: there may be no later reading to carry it.
  const onConnection = safe(() => void (noteConnection() && take()));
  const onIce = safe(() => {
    const state = pc.iceConnectionState;
    if (ICE_ONLY.includes(state)) states.push(state as PeerState);
  });
  pc.addEventListener('connectionstatechange', onConnection);
  pc.addEventListener('iceconnectionstatechange', onIce);
  read(false);
  const timer = setInterval(take, interval);

  return safe(() => {
    if (stopped) return;
    take();
    stopped = true;
    clearInterval(timer);
    pc.removeEventListener('connectionstatechange', onConnection);
    pc.removeEventListener('iceconnectionstatechange', onIce);
  }) as () => void;
}

import { LOOPBACK_CALL_SCRIPT } from './loopbackCall.js';

/**
 * The page of the WebRTC accuracy test: a call between two RTCPeerConnections in one page
 * (loopbackCall.ts), both directions carrying media through the network namespace's impairment.
 * The caller (`a`) is monitored by `/pulse.webrtc.js`; every window it records and every
 * connection state change goes to the runner through `window.report`, which the runner exposes.
 */
export const callPage = (app: string, collector: string, interval: number) => `<!doctype html>
<html><head><meta charset="utf-8"><title>webrtc accuracy</title><link rel="icon" href="data:,">
<script src="${collector}/pulse.js" data-app="${app}"></script>
<script src="${collector}/pulse.webrtc.js"></script>
<script>${LOOPBACK_CALL_SCRIPT}</script>
</head><body><script>
  let seen = 0;
  Pulse.onMetric((update) => {
    if (update.k !== 'webrtc') return;
    seen++;
    report({ t: 'window', w: update });
  });
  // Stops the monitor, waits (up to 10 s) for the last window stop() records, and sends the batch.
  window.finish = async () => {
    const before = seen;
    window.stopMonitor();
    for (let i = 0; i < 100 && seen === before; i++) await new Promise((r) => setTimeout(r, 100));
    Pulse.flush();
    return seen;
  };
  // The caller's UDP port, so the test can tell the directions apart in the impairment's log.
  const port = async (a) => {
    const stats = await a.getStats();
    for (const entry of stats.values()) {
      if (entry.type !== 'transport' || !entry.selectedCandidatePairId) continue;
      const pair = stats.get(entry.selectedCandidatePairId);
      return stats.get(pair.localCandidateId).port;
    }
  };
  startCall((a) => {
    a.addEventListener('connectionstatechange', async () => {
      const s = a.connectionState;
      report({ t: 'state', s, port: s === 'connected' ? await port(a) : undefined });
    });
    window.stopMonitor = Pulse.monitorPeerConnection(a, { interval: ${interval} });
  }).catch((error) => report({ t: 'error', message: String(error) }));
</script></body></html>`;

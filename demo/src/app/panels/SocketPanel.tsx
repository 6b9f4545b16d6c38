import { useSocketQuality } from '@pulse/react';
import { socket } from '../socket.js';

/**
 * Probe every second, twice the production default: smoothed RTT and RFC 3550 jitter converge
 * over about a dozen probes, and a demo visitor should see the score react within seconds.
 */
const PROBE_INTERVAL_MS = 1000;

/** Live connection quality of the app's socket, from Pulse's probes. */
export function SocketPanel() {
  const quality = useSocketQuality(socket, { interval: PROBE_INTERVAL_MS });
  const band = (score: number) =>
    score >= 80 ? 'good' : score >= 50 ? 'needs-improvement' : 'poor';
  return (
    <section aria-labelledby="socket-title">
      <h2 id="socket-title">Socket quality</h2>
      {quality === undefined ? (
        <p>Measuring…</p>
      ) : (
        <dl className="readings">
          <dt>RTT</dt>
          <dd>{Math.round(quality.rtt)} ms</dd>
          <dt>Jitter</dt>
          <dd>{Math.round(quality.jitter)} ms</dd>
          <dt>Loss</dt>
          <dd>{(quality.loss * 100).toFixed(0)}%</dd>
          <dt>Score</dt>
          <dd className={band(quality.score)} data-testid="socket-score">
            {Math.round(quality.score)} <small>(MOS {quality.mos.toFixed(1)})</small>
          </dd>
          <dt>Transport</dt>
          <dd>{quality.transport}</dd>
        </dl>
      )}
    </section>
  );
}

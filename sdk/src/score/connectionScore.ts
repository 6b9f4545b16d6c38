/** Inputs of the connection quality score, as a socket summary carries them. */
export interface ConnectionSample {
  /** Round-trip time in ms (the summary's smoothed RTT). */
  rtt: number;
  /** RFC 3550 interarrival jitter of RTT, in ms. */
  jitter: number;
  /** Share of probes lost, 0..1. */
  loss: number;
}

/** The connection quality score with the E-model quantities it came from. */
export interface ConnectionScore {
  /** 0..100: R scaled so that a perfect connection (R = 93.2) scores 100. */
  score: number;
  /** The E-model transmission rating factor R, 0..93.2. */
  r: number;
  /** Mean opinion score estimated from R (ITU-T G.107 Annex B), 1..4.5. */
  mos: number;
}

/** R of a perfect connection in the simplified E-model (G.107 default R0 − Is). */
const R_MAX = 93.2;

/** Treats NaN and negative inputs as 0 so a malformed summary cannot make the score NaN. */
const nonNegative = (x: number): number => (x > 0 ? x : 0);

/**
 * Connection quality from a simplified ITU-T G.107 E-model, as used for VoIP monitoring:
 * effective latency `Le = rtt/2 + 2·jitter + 10` ms; `R = 93.2 − Le/40` if `Le < 160`, else
 * `93.2 − (Le − 120)/10`; `R −= 2.5 · loss%`; R clamped to 0..93.2; score = `100 · R / 93.2`;
 * MOS = `1 + 0.035·R + 7e-6·R·(R − 60)·(100 − R)`, clamped to 1..4.5.
 */
export function connectionScore({ rtt, jitter, loss }: ConnectionSample): ConnectionScore {
  const latency = nonNegative(rtt) / 2 + 2 * nonNegative(jitter) + 10;
  let r = latency < 160 ? R_MAX - latency / 40 : R_MAX - (latency - 120) / 10;
  r -= 2.5 * 100 * Math.min(1, nonNegative(loss));
  r = Math.min(R_MAX, Math.max(0, r));
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return { score: (100 * r) / R_MAX, r, mos: Math.min(4.5, Math.max(1, mos)) };
}

/**
 * How the dashboard writes numbers. Precision matches what the value can tell: histograms
 * interpolate inside buckets, so more digits would only suggest accuracy that is not there.
 */
const DASH = '–';

/** Seconds as "230 ms" below one second, "2.31 s" above. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return DASH;
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
}

/** A window length: "30 s", "15 min", "2 h". */
export function formatWindow(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  return seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
}

/** A vital's p75: CLS is unitless, the others are durations in seconds. */
export function formatVital(metric: string, value: number | null): string {
  if (value === null) return DASH;
  return metric === 'CLS' ? value.toFixed(2) : formatSeconds(value);
}

/** Bytes in MB (10^6), the unit Chrome's task manager uses. */
export function formatBytes(bytes: number | null): string {
  return bytes === null ? DASH : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A share 0..1 as a whole percentage. */
export function formatShare(share: number | null, digits = 0): string {
  return share === null ? DASH : `${(share * 100).toFixed(digits)}%`;
}

/** A 0..100 score as a whole number. */
export function formatScore(score: number | null): string {
  return score === null ? DASH : String(Math.round(score));
}

/** A count with thousands separators. */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en');
}

/** A rate per second: one decimal below 10. */
export function formatRate(perSecond: number | null): string {
  if (perSecond === null) return DASH;
  return perSecond < 10 ? perSecond.toFixed(1) : String(Math.round(perSecond));
}

/** Lighthouse's colour band of a 0..100 score. */
export function scoreBand(score: number | null): 'good' | 'needs-improvement' | 'poor' | '' {
  if (score === null) return '';
  return score >= 90 ? 'good' : score > 50 ? 'needs-improvement' : 'poor';
}

/** A moment (unix ms) as the viewer's local time, with the date only when it is not today. */
export function formatTime(ms: number, now = Date.now()): string {
  const date = new Date(ms);
  const sameDay = date.toDateString() === new Date(now).toDateString();
  return sameDay ? date.toLocaleTimeString() : date.toLocaleString();
}

import { useWebVitals } from '@pulse/react';

const VITALS = [
  ['LCP', (v: number) => `${Math.round(v)} ms`],
  ['INP', (v: number) => `${Math.round(v)} ms`],
  ['CLS', (v: number) => v.toFixed(3)],
  ['FCP', (v: number) => `${Math.round(v)} ms`],
  ['TTFB', (v: number) => `${Math.round(v)} ms`],
] as const;

/** This page's own vitals, live from the SDK: what the collector will receive for this view. */
export function VitalsPanel() {
  const vitals = useWebVitals();
  const band = (score: number) =>
    score >= 90 ? 'good' : score > 50 ? 'needs-improvement' : 'poor';
  return (
    <section aria-labelledby="vitals-title">
      <h2 id="vitals-title">This page view</h2>
      <dl className="readings">
        {VITALS.map(([name, format]) => {
          const reading = vitals[name];
          return [
            <dt key={`${name}-name`}>{name}</dt>,
            <dd key={`${name}-value`} className={reading?.rating ?? ''}>
              {reading === undefined ? '–' : format(reading.value)}
            </dd>,
          ];
        })}
        <dt>Blocking time</dt>
        <dd>{vitals.TBT === undefined ? 'not measured here' : `${Math.round(vitals.TBT)} ms`}</dd>
        <dt>Page score</dt>
        <dd
          className={vitals.score === undefined ? '' : band(vitals.score)}
          data-testid="page-score"
        >
          {vitals.score === undefined ? '–' : Math.round(vitals.score)}
        </dd>
      </dl>
    </section>
  );
}

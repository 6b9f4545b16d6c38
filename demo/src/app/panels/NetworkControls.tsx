import { useEffect, useState } from 'react';
import { socket } from '../socket.js';

interface Impairment {
  delayMs: number;
  jitterMs: number;
  dropShare: number;
}

const PRESETS: ReadonlyArray<[string, Impairment]> = [
  ['Clean', { delayMs: 0, jitterMs: 0, dropShare: 0 }],
  ['Busy Wi-Fi', { delayMs: 120, jitterMs: 60, dropShare: 0.03 }],
  ['Bad mobile', { delayMs: 400, jitterMs: 250, dropShare: 0.15 }],
];

const same = (a: Impairment, b: Impairment) =>
  a.delayMs === b.delayMs && a.jitterMs === b.jitterMs && a.dropShare === b.dropShare;

/**
 * Degrades the socket on the server side (every visitor's): delay, jitter and dropped packets,
 * probes included. Set over HTTP, since the socket itself may be the thing that is broken.
 */
export function NetworkControls() {
  const [impairment, setImpairment] = useState<Impairment>(PRESETS[0]![1]);
  useEffect(() => {
    const onChange = (next: Impairment) => setImpairment(next);
    socket.on('demo:impairment', onChange);
    return () => {
      socket.off('demo:impairment', onChange);
    };
  }, []);
  const apply = (next: Impairment) => {
    setImpairment(next);
    void fetch('/api/impairment', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(next),
    }).catch(() => {});
  };
  const slider = (
    label: string,
    key: keyof Impairment,
    max: number,
    step: number,
    unit: (v: number) => string,
  ) => (
    <label className="slider">
      {label}
      <input
        type="range"
        min={0}
        max={max}
        step={step}
        value={impairment[key]}
        onChange={(event) => apply({ ...impairment, [key]: Number(event.target.value) })}
      />
      <output>{unit(impairment[key])}</output>
    </label>
  );
  return (
    <section aria-labelledby="network-title">
      <h2 id="network-title">Server-side network</h2>
      <div className="presets">
        {PRESETS.map(([name, preset]) => (
          <button
            key={name}
            type="button"
            className={same(preset, impairment) ? 'active' : ''}
            onClick={() => apply(preset)}
          >
            {name}
          </button>
        ))}
      </div>
      {slider('Delay', 'delayMs', 1000, 10, (v) => `${v} ms`)}
      {slider('Jitter ±', 'jitterMs', 500, 10, (v) => `${v} ms`)}
      {slider('Drop', 'dropShare', 0.5, 0.01, (v) => `${Math.round(v * 100)}%`)}
    </section>
  );
}

import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@pulse/react public API', () => {
  // Renaming or removing any of these breaks apps: change this list only with a major version.
  it('exports exactly these runtime names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "PulseErrorBoundary",
        "PulseProfiler",
        "PulseProvider",
        "usePulse",
        "usePulseRoute",
        "useSocketQuality",
        "useTiming",
        "useTrack",
        "useWebVitals",
      ]
    `);
  });
});

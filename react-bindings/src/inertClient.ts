import type { PulseClient } from '@pulse/sdk';

const noop = (): void => {};

/**
 * A client that records nothing: what hooks get on the server, and in the browser when no
 * provider (and no script-tag `window.Pulse`) is there. Rendering must never depend on Pulse.
 */
export const inertClient: PulseClient = Object.freeze({
  track: noop,
  time: noop,
  setRoute: noop,
  flush: noop,
  consent: noop,
  stop: noop,
  onMetric: () => noop,
  record: noop,
  emit: noop,
  sampled: false,
});

export type * from './protocol.js';
export type * from './types.js';
export { PROTOCOL_VERSION, ACCEPTED_PROTOCOL_VERSIONS, PROBE_EVENT } from './protocol.js';
export { supports as canObserve } from './lib/observe.js';
export { engine } from './lib/engine.js';
export { init } from './init.js';
export { captureError } from './metrics/errors.js';

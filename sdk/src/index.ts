export type * from './protocol.js';
export type * from './types.js';
export { PROTOCOL_VERSION, PROBE_EVENT } from './protocol.js';
export { init } from './init.js';
export { captureError } from './metrics/errors.js';

export type { Beacon } from '@pulse/sdk/protocol';

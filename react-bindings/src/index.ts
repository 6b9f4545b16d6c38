export type { PulseClient, PulseConfig } from '@pulse/sdk';

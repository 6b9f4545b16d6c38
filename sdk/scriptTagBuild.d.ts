import type { RollupReplaceOptions } from '@rollup/plugin-replace';

/** The init() options and branches a script tag can never reach, fixed at build time. */
export declare const scriptTagOptions: RollupReplaceOptions;
/** What web-vitals computes and Pulse never reads, made dead code so the minifier drops it. */
export declare const unusedWebVitalsCode: RollupReplaceOptions;

import type { RollupReplaceOptions } from '@rollup/plugin-replace';

/** The init() options and branches a script tag can never reach, fixed at build time. */
export declare const scriptTagOptions: RollupReplaceOptions;
/** web-vitals' soft-navigation support test made constant, so its branches are dropped. */
export declare const withoutSoftNavigations: RollupReplaceOptions;

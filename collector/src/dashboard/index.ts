export { dashboardPlugin, SUMMARY_PATH, type DashboardOptions } from './dashboardPlugin.js';
export { histogramQuantile, type CumulativeBucket } from './histogramQuantile.js';
export type * from './summarySchema.js';

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Repository root: bench/dist/paths.js sits two levels below it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The bench workspace folder. */
export const BENCH_ROOT = join(REPO_ROOT, 'bench');

/** Minimal realistic entries bundled for the size comparison (and the main-thread page). */
export const ENTRIES_DIR = join(BENCH_ROOT, 'entries');

/**
 * Per-section results, from which BENCHMARKS.md is rendered. Tracked in git, so a rerun of one
 * section (`BENCH_ONLY=<id>`) on a fresh clone keeps the committed figures of the others.
 */
export const RESULTS_DIR = join(BENCH_ROOT, 'results');

/** Bundles made in this run (anchors and Pulse entries), reused by the main-thread section. */
export const BUNDLES_DIR = join(BENCH_ROOT, 'dist', 'bundles');

/** The built SDK artifacts, as `npm run build` leaves them. */
export const SDK_DIST = join(REPO_ROOT, 'sdk', 'dist');

/** Where the report goes. */
export const REPORT_PATH = join(REPO_ROOT, 'BENCHMARKS.md');

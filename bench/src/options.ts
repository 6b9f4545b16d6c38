import { parseArgs } from 'node:util';
import type { BenchOptions } from './section.js';

/** What to run and how long, from flags (`node dist/run.js --only size`) or environment variables. */
export interface RunOptions extends BenchOptions {
  /** Section ids to run; all when empty. The other sections keep their last stored figures. */
  only: string[];
}

const number = (flag: string | undefined, env: string | undefined, fallback: number) => {
  const value = Number(flag ?? env ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`not a positive number: ${value}`);
  return value;
};

/**
 * Reads the run options. Environment variables exist because the root script
 * (`npm run build && npm run bench -w bench`) cannot forward flags to the inner script.
 */
export function readOptions(argv = process.argv.slice(2), env = process.env): RunOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      'soak-seconds': { type: 'string' },
      'page-runs': { type: 'string' },
      'ingest-seconds': { type: 'string' },
      'socket-seconds': { type: 'string' },
    },
  });
  const only = values.only ?? env.BENCH_ONLY ?? '';
  return {
    only: only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    soakSeconds: number(values['soak-seconds'], env.BENCH_SOAK_SECONDS, 180),
    pageRuns: number(values['page-runs'], env.BENCH_PAGE_RUNS, 9),
    ingestSeconds: number(values['ingest-seconds'], env.BENCH_INGEST_SECONDS, 8),
    socketSeconds: number(values['socket-seconds'], env.BENCH_SOCKET_SECONDS, 60),
  };
}

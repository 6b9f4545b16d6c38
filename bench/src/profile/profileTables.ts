import { fmt, table } from '../markdown.js';
import { selfTimeByFunction, selfTimeByOwner, type CpuProfile } from './selfTime.js';

/**
 * A Node process's CPU profile as two Markdown tables: self time by owner (package or repo file)
 * and by function, each with its share of the busy time.
 */
export function profileTables(profile: CpuProfile, owners = 10, functions = 12): string {
  const byOwner = selfTimeByOwner(profile);
  const busy = byOwner.reduce((sum, s) => sum + s.ms, 0);
  const share = (ms: number) => `${fmt((100 * ms) / busy, 1)}%`;
  return [
    `Self time by owner (${fmt(busy)} ms busy):`,
    '',
    table(
      ['owner', ' self ms', ' share'],
      byOwner.slice(0, owners).map((s) => [s.where, fmt(s.ms), share(s.ms)]),
    ),
    '',
    'Top functions:',
    '',
    table(
      ['function', ' self ms', ' share'],
      selfTimeByFunction(profile)
        .slice(0, functions)
        .map((s) => [`\`${s.where}\``, fmt(s.ms), share(s.ms)]),
    ),
  ].join('\n');
}

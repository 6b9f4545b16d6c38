import type { Machine } from './machine.js';
import { table, verdict } from './markdown.js';
import type { Section, SectionResult } from './section.js';

const machineLine = (m: Machine) =>
  `${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; ${m.chromium}`;

/** Renders BENCHMARKS.md from the stored outcome of every section, in the report's order. */
export function renderReport(
  sections: readonly Section[],
  results: ReadonlyMap<string, SectionResult>,
  machine: Machine,
): string {
  const out = [
    '# Pulse benchmarks',
    '',
    'Written by `npm run bench` (bench/, never part of `npm test`). Every comparison is measured against',
    'its baseline in the same run, on the same machine, so ratios hold even where absolute figures',
    'drift. Everything runs on 127.0.0.1 and is bounded in time.',
    '',
    `Machine: ${machineLine(machine)}.`,
    '',
    'Rerun one section: `BENCH_ONLY=<id> npm run bench` (ids: ' +
      sections.map((s) => `\`${s.id}\``).join(', ') +
      '); the other sections keep their stored figures.',
    '',
    '## Goals',
    '',
  ];
  const goalRows = sections.flatMap((s) =>
    (results.get(s.id)?.goals ?? []).map((g) => [s.title, g.name, verdict(g.met), g.detail]),
  );
  out.push(table(['section', 'goal', 'verdict', 'figures'], goalRows), '');
  for (const section of sections) {
    const result = results.get(section.id);
    out.push(`## ${section.title}`, '');
    if (!result) {
      out.push('Not measured yet.', '');
      continue;
    }
    const where =
      machineLine(result.machine) === machineLine(machine)
        ? ''
        : ` on ${machineLine(result.machine)}`;
    out.push(
      `Command: \`npm run bench\` (alone: \`BENCH_ONLY=${section.id} npm run bench\`); measured ${result.measuredAt}${where} in ${Math.round(result.seconds)} s.`,
      '',
      result.body.trim(),
      '',
    );
  }
  return out.join('\n');
}

import { writeFile } from 'node:fs/promises';
import { describeMachine } from './machine.js';
import { readOptions } from './options.js';
import { REPORT_PATH } from './paths.js';
import { renderReport } from './report.js';
import { loadResult, saveResult } from './results.js';
import type { SectionResult } from './section.js';
import { SECTIONS } from './sections/index.js';

const options = readOptions();
const machine = describeMachine();
const unknown = options.only.filter((id) => !SECTIONS.some((s) => s.id === id));
if (unknown.length) throw new Error(`unknown section(s): ${unknown.join(', ')}`);

let failed = false;
for (const section of SECTIONS) {
  if (options.only.length && !options.only.includes(section.id)) continue;
  console.info(`bench: ${section.title} ...`);
  const started = performance.now();
  try {
    const outcome = await section.run(options);
    const seconds = (performance.now() - started) / 1000;
    await saveResult({
      ...outcome,
      id: section.id,
      title: section.title,
      measuredAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      seconds,
      machine,
    });
    console.info(`bench: ${section.title} done in ${seconds.toFixed(0)} s`);
  } catch (error) {
    // One broken section must not cost the figures of the others; the run still fails at the end.
    failed = true;
    console.error(`bench: ${section.title} failed`, error);
  }
}

const results = new Map<string, SectionResult>();
for (const section of SECTIONS) {
  const result = await loadResult(section.id);
  if (result) results.set(section.id, result);
}
await writeFile(REPORT_PATH, renderReport(SECTIONS, results, machine));
console.info(`bench: wrote ${REPORT_PATH}`);
if (failed) process.exitCode = 1;

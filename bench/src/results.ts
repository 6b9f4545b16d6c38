import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULTS_DIR } from './paths.js';
import type { SectionResult } from './section.js';

/** Stores one section's outcome so a later partial run can render the full report. */
export async function saveResult(result: SectionResult): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, `${result.id}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

/** The last stored outcome of section `id`, if any. */
export async function loadResult(id: string): Promise<SectionResult | undefined> {
  const path = join(RESULTS_DIR, `${id}.json`);
  if (!existsSync(path)) return undefined;
  return JSON.parse(await readFile(path, 'utf8')) as SectionResult;
}

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, REPORT_PATH, RESULTS_DIR } from './paths.js';
import { loadResult } from './results.js';
import { SECTIONS } from './sections/index.js';

/** Whether git ignores `path` (relative to the repository), by `git check-ignore`'s exit code. */
function gitIgnores(path: string): boolean {
  const { status, stderr } = spawnSync('git', ['check-ignore', '--no-index', '-q', path], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (status !== 0 && status !== 1) throw new Error(`git check-ignore failed: ${stderr}`);
  return status === 0;
}

describe('stored results', () => {
  it('live in a tracked folder of the repository, so a fresh clone has them', () => {
    const folder = relative(REPO_ROOT, RESULTS_DIR);
    expect(folder).not.toMatch(/^\.\.|^$/);
    for (const section of SECTIONS) {
      expect(gitIgnores(join(folder, `${section.id}.json`)), section.id).toBe(false);
    }
  });

  it('exist for every section, under its id and title', async () => {
    for (const section of SECTIONS) {
      const result = await loadResult(section.id);
      expect(result, section.id).toBeDefined();
      expect(result).toMatchObject({ id: section.id, title: section.title });
    }
  });

  it('are the figures BENCHMARKS.md shows', async () => {
    const report = readFileSync(REPORT_PATH, 'utf8');
    for (const section of SECTIONS) {
      const result = (await loadResult(section.id))!;
      const start = report.indexOf(`\n## ${section.title}\n`);
      expect(start, section.title).toBeGreaterThan(0);
      const next = report.indexOf('\n## ', start + 1);
      const text = report.slice(start, next < 0 ? undefined : next);
      expect(text).toContain(`measured ${result.measuredAt}`);
      expect(text).toContain(result.body.trim());
    }
  });
});

import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { localLinks } from '../../scripts/packageDocs.js';
import type { PackedPackage } from './packedPackages.js';

/** What a source map says about its sources. */
interface SourceMap {
  sourceRoot?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
}

interface Manifest {
  bin?: Record<string, string>;
  exports?: unknown;
  dependencies?: Record<string, string>;
}

/** `//# sourceMappingURL=...` at the end of an emitted file (JS or declarations). */
const SOURCE_MAPPING_URL = /\/\/# sourceMappingURL=(\S+)\s*$/;

/** Every file path an `exports` map names, however deeply nested in conditions. */
const exportTargets = (exports: unknown): string[] =>
  typeof exports === 'string'
    ? [exports]
    : exports && typeof exports === 'object'
      ? Object.values(exports).flatMap(exportTargets)
      : [];

/**
 * What a stranger installing `pkg` would trip over, one line each; none for a good package:
 * build leftovers (tsc's `.tsbuildinfo`, test files), source maps naming sources the package
 * neither holds nor embeds, files pointing at maps it does not hold, README links to files it
 * does not hold, a LICENSE missing or unlike the repository's, `exports` or `bin` naming missing
 * files, and sibling packages pinned to one exact version.
 */
export function tarballProblems(pkg: PackedPackage, license: string): string[] {
  const files = new Set(pkg.files);
  const read = (path: string) => readFileSync(posix.join(pkg.dir, path), 'utf8');
  const has = (path: string) =>
    files.has(path) || pkg.files.some((file) => file.startsWith(`${path}/`));
  const problems: string[] = [];
  const problem = (text: string) => problems.push(`${pkg.name}: ${text}`);

  for (const file of pkg.files) {
    if (/\.tsbuildinfo$|\.test\.tsx?$/.test(file)) problem(`ships ${file}`);
  }

  if (!files.has('LICENSE')) problem('has no LICENSE');
  else if (read('LICENSE') !== license) problem("LICENSE differs from the repository's");

  if (!files.has('README.md')) problem('has no README.md');
  else {
    for (const link of localLinks(read('README.md'))) {
      if (!has(posix.normalize(link))) problem(`README.md links ${link}, not in the package`);
    }
  }

  for (const file of pkg.files) {
    if (file.endsWith('.map')) {
      const map = JSON.parse(read(file)) as SourceMap;
      const base = posix.join(posix.dirname(file), map.sourceRoot ?? '');
      map.sources.forEach((source, index) => {
        const path = posix.normalize(posix.join(base, source));
        if (typeof map.sourcesContent?.[index] !== 'string' && !files.has(path)) {
          problem(`${file} names ${source} (${path}), neither shipped nor embedded`);
        }
      });
    } else if (/\.(m?js|d\.ts)$/.test(file)) {
      const url = SOURCE_MAPPING_URL.exec(read(file))?.[1];
      const path = url && posix.normalize(posix.join(posix.dirname(file), url));
      if (path && !url.startsWith('data:') && !files.has(path)) {
        problem(`${file} points at ${url}, not in the package`);
      }
    }
  }

  const manifest = JSON.parse(read('package.json')) as Manifest;
  for (const target of [...exportTargets(manifest.exports), ...Object.values(manifest.bin ?? {})]) {
    if (!files.has(posix.normalize(target))) problem(`package.json names ${target}, not shipped`);
  }
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (name.startsWith('@pulse/') && !range.startsWith('^')) {
      problem(`depends on ${name}@${range}: one exact version, where a caret range would do`);
    }
  }
  return problems;
}

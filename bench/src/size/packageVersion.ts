import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.js';

/**
 * The installed version of `name`, read from its package.json on disk (several packages do not
 * export `./package.json`, so it cannot be imported).
 */
export function packageVersion(name: string): string {
  const manifest = join(REPO_ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

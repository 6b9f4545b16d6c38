import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { npm } from './npm.js';

/** An app of its own outside the repository, with packages installed as a stranger would. */
export interface ScratchApp {
  dir: string;
  /** Each package npm installed at the app's top level, by name, with how it got there. */
  installed: Record<string, { version: string; resolved?: string; link?: boolean }>;
}

/**
 * Creates an app in `dir` and installs `specs` into it with one `npm install`: tarball paths
 * and registry `name@version` specs, nothing else. Registry packages come through npm's cache
 * when it holds them (`--prefer-offline`), as most of them were fetched for the repository.
 */
export async function createScratchApp(
  dir: string,
  specs: readonly string[],
  files: Record<string, string> = {},
): Promise<ScratchApp> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }),
  );
  for (const [path, text] of Object.entries(files)) {
    await mkdir(resolve(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await npm(
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
      '--loglevel=error',
      ...specs,
    ],
    dir,
  );
  const lock = JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, ScratchApp['installed'][string]>;
  };
  const installed = Object.fromEntries(
    Object.entries(lock.packages)
      .filter(([path]) => path.split('node_modules/').length === 2)
      .map(([path, entry]) => [path.slice('node_modules/'.length), entry]),
  );
  return { dir, installed };
}

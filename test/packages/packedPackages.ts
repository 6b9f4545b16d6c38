import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { npm } from './npm.js';

const run = promisify(execFile);

/** One package as `npm pack` made it. */
export interface PackedPackage {
  name: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the package, as `npm pack --json` lists them. */
  files: string[];
  /** Where the tarball was unpacked: the package's own folder, as installed. */
  dir: string;
}

interface PackReport {
  name: string;
  filename: string;
  files: { path: string }[];
}

/**
 * Packs `workspaces` of the repository at `root` into `into` with `npm pack --json`, as `npm
 * publish` would (the packages' `prepack` scripts included), and unpacks each tarball beside it
 * so its files can be read.
 */
export async function packWorkspaces(
  root: string,
  workspaces: readonly string[],
  into: string,
): Promise<PackedPackage[]> {
  const workspaceArgs = workspaces.flatMap((workspace) => ['--workspace', workspace]);
  const reports = JSON.parse(
    await npm(['pack', ...workspaceArgs, '--pack-destination', into, '--json'], root),
  ) as PackReport[];
  return Promise.all(
    reports.map(async ({ name, filename, files }) => {
      const tarball = join(into, filename);
      const dir = join(into, filename.replace(/\.tgz$/, ''));
      await mkdir(dir);
      // npm puts every file under `package/`.
      await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
      return { name, tarball, files: files.map((file) => file.path), dir };
    }),
  );
}

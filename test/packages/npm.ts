import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The environment of a user's own shell. Under `npm test`, npm exports its configuration and
 * the running script's package to child processes (`npm_config_*`, `npm_package_*`,
 * `npm_lifecycle_*`...): an npm started with those would act for the repository, not for the
 * scratch app it runs in.
 */
export function userEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
  );
}

/** Runs `npm <args>` in `cwd` and returns its stdout; fails with its stderr. */
export async function npm(args: readonly string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run('npm', [...args], {
      cwd,
      env: userEnvironment(),
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}: ${stderr || message}`);
  }
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** What a command-line tool said and how it exited. */
export interface ToolRun {
  code: number;
  /** stdout then stderr; on failure prefixed with the exit code, for assertion messages. */
  output: string;
}

/**
 * Runs a checker such as promtool or amtool and returns its exit code with its output, never
 * throwing on a non-zero exit: the tests assert on failures as much as on successes.
 */
export async function runTool(file: string, args: string[], cwd?: string): Promise<ToolRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      output: `${String(failed.code)} ${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    };
  }
}

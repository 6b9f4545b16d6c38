/**
 * The built `pulse-collector` refuses a misconfiguration at start, in one line on stderr that
 * names the flag, the value as typed and what was expected, and exits with the usage error code
 * before listening on anything: an origin without a scheme (every beacon would get 403), a port
 * out of range, an unknown log level, a rate limit it cannot read.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../collector/dist/esm/cli.js', import.meta.url));
/** The exit code of a usage or configuration mistake, as cli.ts exits. */
const USAGE_ERROR = 2;

const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, '--port', '0', '--admin-port', '0', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('pulse-collector refuses a misconfiguration at start', () => {
  it.each([
    [
      ['--allow-origin', '127.0.0.1:47012'],
      '--allow-origin (PULSE_ALLOW_ORIGIN, "allowOrigins"): "127.0.0.1:47012" is not valid: expected an origin, scheme://host[:port] (e.g. https://shop.example.com), or *',
    ],
    [
      ['--port=-1'],
      '--port (PULSE_PORT, "port"): "-1" is not valid: expected an integer from 0 to 65535',
    ],
    [
      ['--log-level', 'loud'],
      '--log-level (PULSE_LOG_LEVEL, "logLevel"): "loud" is not valid: expected one of fatal, error, warn, info, debug, trace, silent',
    ],
    [
      ['--rate-limit', 'lots'],
      '--rate-limit (PULSE_RATE_LIMIT, "rateLimit"): "lots" is not valid: expected off, or <max>[/<window>]',
    ],
  ])('%j', (args, message) => {
    const result = run(...args);
    expect(result.status).toBe(USAGE_ERROR);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toContain(`pulse-collector: command line: ${message}`);
  });
});

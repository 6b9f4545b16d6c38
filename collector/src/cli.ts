#!/usr/bin/env node
/**
 * `pulse-collector`: runs the collector as a server. Settings come from flags, environment
 * variables and an optional JSON file (see `--help` and cliConfig.ts); logs are fastify's
 * structured JSON (pino) on stdout.
 *
 * Shutdown: on SIGTERM (an orchestrator stopping the replica) readiness turns false first; beacons
 * are still answered for `--drain-delay`; then the ingest listener closes (in-flight beacons are
 * answered) while the admin listener keeps serving /metrics until a scrape has read every beacon
 * answered, or `--shutdown-scrape-wait` has passed; then the process exits 0. Counters live in
 * memory until scraped, so exiting earlier would lose what was answered since the last scrape.
 * SIGINT (Ctrl-C) closes at once. A second signal exits immediately.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CliConfigError,
  collectorOptionsFrom,
  helpText,
  resolveCliCommand,
  type CliSettings,
} from './cliConfig.js';
import { createCollector } from './server.js';

/** Exit code for a usage or configuration mistake. */
const USAGE_ERROR = 2;

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@pulse/collector/package.json') as { version: string }).version;
}

/** A URL as it may be logged: a password in its user part shown as `(set)`. */
function withoutCredentials(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '(set)';
    return parsed.href;
  } catch {
    return '(unparsable URL)';
  }
}

async function serve(settings: CliSettings): Promise<void> {
  const app = await createCollector(collectorOptionsFrom(settings));
  const ingestUrl = await app.listen({ port: settings.port, host: settings.host });
  const adminUrl = await app.pulseAdmin.listen({
    port: settings.adminPort,
    host: settings.adminHost,
  });
  const { ingestKey, adminToken, prometheusToken, prometheusPassword, ...shown } = settings;
  const secret = (value: string | undefined) => (value === undefined ? undefined : '(set)');
  app.log.info(
    {
      settings: {
        ...shown,
        prometheusUrl: withoutCredentials(shown.prometheusUrl),
        ingestKey: secret(ingestKey),
        adminToken: secret(adminToken),
        prometheusToken: secret(prometheusToken),
        prometheusPassword: secret(prometheusPassword),
      },
      ingestUrl,
      adminUrl,
    },
    'pulse collector ready',
  );

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app.pulseReadiness.drain();
    if (signal === 'SIGTERM') {
      if (settings.drainDelay > 0) await sleep(settings.drainDelay);
      app.pulseShutdown.awaitLastScrape(settings.shutdownScrapeWait);
    }
    await app.close();
    app.log.info('closed');
    process.exit(0);
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));
}

async function main(): Promise<void> {
  try {
    const command = resolveCliCommand({
      argv: process.argv.slice(2),
      env: process.env,
      readFile: (path) => readFileSync(path, 'utf8'),
    });
    if (command.kind === 'help') process.stdout.write(helpText());
    else if (command.kind === 'version') process.stdout.write(`${packageVersion()}\n`);
    else await serve(command.settings);
  } catch (error) {
    if (error instanceof CliConfigError) {
      process.stderr.write(`pulse-collector: ${error.message}\nTry --help.\n`);
      process.exit(USAGE_ERROR);
    }
    // Startup failures (port in use, unreadable files): one clear line, non-zero exit.
    process.stderr.write(`pulse-collector: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

await main();

/**
 * Configuration of the `pulse-collector` command: flags, environment variables and an optional
 * JSON config file, with precedence flag > environment > config file > default.
 *
 * One table (`CLI_SETTINGS`) names every setting once, with its flag, variable, config key and
 * parser, so `--help`, the README and the code cannot disagree. Whatever the source, values end
 * up in one object that is validated by one schema, so a typo in a config file fails as clearly
 * as a bad flag.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { APP_PATTERN } from '@pulse/sdk/protocol';
import { expectedValue } from './cliExpected.js';
import { defaultCollectorOptions, type CollectorOptions } from './options.js';
import { trustProxyProblem } from './http/trustProxy.js';
import { HEADER_NAME_PATTERN, countryHeaderProblem } from './geography/countryHeader.js';

/**
 * An allowed origin as browsers send it: `scheme://host[:port]` (a trailing slash is forgiven), or
 * `*`. Without the scheme (`127.0.0.1:47012`) no Origin header could ever match, so every
 * beacon would get 403: refused at start instead.
 */
export const ORIGIN_PATTERN = '^([*]|[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s]+/?)$';

/** The settings of the command, as a config file spells them. */
export const CliSettingsSchema = Type.Object(
  {
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    host: Type.String({ minLength: 1 }),
    adminPort: Type.Integer({ minimum: 0, maximum: 65535 }),
    adminHost: Type.String({ minLength: 1 }),
    adminToken: Type.Optional(Type.String({ minLength: 16 })),
    allowOrigins: Type.Array(Type.String({ pattern: ORIGIN_PATTERN })),
    ingestKey: Type.Optional(Type.String({ minLength: 1 })),
    bodyLimit: Type.Integer({ minimum: 1024 }),
    maxEventsPerBeacon: Type.Integer({ minimum: 1 }),
    routeCap: Type.Integer({ minimum: 1 }),
    eventNameCap: Type.Integer({ minimum: 1 }),
    appCap: Type.Integer({ minimum: 1 }),
    seriesCeiling: Type.Integer({ minimum: 1000 }),
    admitAfterClients: Type.Integer({ minimum: 1 }),
    labelIdleTimeout: Type.Integer({ minimum: 1000 }),
    apps: Type.Array(Type.String({ pattern: APP_PATTERN, maxLength: 64 })),
    routes: Type.Array(Type.String({ minLength: 1, maxLength: 256 })),
    eventNames: Type.Array(Type.String({ minLength: 1, maxLength: 64 })),
    rateLimit: Type.Union([
      Type.Literal(false),
      Type.Object(
        {
          max: Type.Integer({ minimum: 1 }),
          timeWindow: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ minLength: 1 })]),
        },
        { additionalProperties: false },
      ),
    ]),
    trustProxy: Type.Union([Type.Literal(false), Type.String(), Type.Array(Type.String())]),
    countryHeader: Type.Optional(Type.String({ pattern: HEADER_NAME_PATTERN })),
    requestTimeout: Type.Integer({ minimum: 1 }),
    headersTimeout: Type.Integer({ minimum: 1 }),
    keepAliveTimeout: Type.Integer({ minimum: 1 }),
    maxConnections: Type.Optional(Type.Integer({ minimum: 1 })),
    maxConnectionsPerAddress: Type.Integer({ minimum: 1 }),
    drainDelay: Type.Integer({ minimum: 0 }),
    shutdownScrapeWait: Type.Integer({ minimum: 0 }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
        Type.Literal(level),
      ),
    ),
    processMetrics: Type.Boolean(),
    prometheusUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
    prometheusToken: Type.Optional(Type.String({ minLength: 1 })),
    prometheusUser: Type.Optional(Type.String({ minLength: 1 })),
    prometheusPassword: Type.Optional(Type.String()),
    dataDir: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export type CliSettings = Static<typeof CliSettingsSchema>;
type SettingKey = keyof CliSettings;

/** Defaults of the command; the listening and logging ones are the CLI's own. */
export const defaultCliSettings: CliSettings = {
  port: 8080,
  // A beacon endpoint is meant to be reached from browsers, so the command listens on every
  // interface; `--host 127.0.0.1` keeps it local (e.g. behind a reverse proxy on the same host).
  host: '0.0.0.0',
  // The read side names apps and routes and describes the process: loopback unless the operator
  // opens it, and then only with a token (checked in `resolveCliCommand`).
  adminPort: 8081,
  adminHost: '127.0.0.1',
  allowOrigins: defaultCollectorOptions.allowOrigins,
  bodyLimit: defaultCollectorOptions.bodyLimit,
  maxEventsPerBeacon: defaultCollectorOptions.maxEventsPerBeacon,
  routeCap: defaultCollectorOptions.routeCap,
  eventNameCap: defaultCollectorOptions.eventNameCap,
  appCap: defaultCollectorOptions.appCap,
  seriesCeiling: defaultCollectorOptions.seriesCeiling,
  admitAfterClients: defaultCollectorOptions.admitAfterClients,
  labelIdleTimeout: defaultCollectorOptions.labelIdleTimeout,
  apps: defaultCollectorOptions.apps,
  routes: defaultCollectorOptions.routes,
  eventNames: defaultCollectorOptions.eventNames,
  rateLimit: defaultCollectorOptions.rateLimit,
  trustProxy: defaultCollectorOptions.trustProxy,
  requestTimeout: defaultCollectorOptions.requestTimeout,
  headersTimeout: defaultCollectorOptions.headersTimeout,
  keepAliveTimeout: defaultCollectorOptions.keepAliveTimeout,
  maxConnectionsPerAddress: defaultCollectorOptions.maxConnectionsPerAddress,
  drainDelay: 0,
  // Longer than Prometheus' default 15 s scrape interval plus a render at the series ceiling
  // (under 1 s), and with a --drain-delay of up to about 8 s still inside Kubernetes' default
  // terminationGracePeriodSeconds of 30 (docs/RELIABILITY.md, "Restarts").
  shutdownScrapeWait: 20_000,
  logLevel: 'info',
  processMetrics: defaultCollectorOptions.processMetrics,
};

type Parse = (text: string) => unknown;

const integer: Parse = (text) => (/^\d+$/.test(text.trim()) ? Number(text) : text);
const list: Parse = (text) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
const boolean: Parse = (text) =>
  ({ true: true, false: false, '1': true, '0': false })[text.trim().toLowerCase()] ?? text;
/** `64kb`, `1mb` or plain bytes. */
const bytes: Parse = (text) => {
  const match = /^(\d+)\s*(kb|k|mb|m)?$/i.exec(text.trim());
  if (match === null) return text;
  const unit = (match[2] ?? '').toLowerCase();
  return Number(match[1]) * (unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1);
};
/** `off`, `600` (per minute) or `600/30s`. */
const rateLimit: Parse = (text) => {
  const value = text.trim().toLowerCase();
  if (['off', 'false', '0', 'none'].includes(value)) return false;
  const [max = '', window = '1 minute'] = value.split('/');
  return { max: integer(max), timeWindow: integer(window) };
};
/** `false`, or proxy addresses/CIDRs separated by commas; `true` is read only to be refused. */
const trustProxy: Parse = (text) => {
  const flag = boolean(text);
  return typeof flag === 'boolean' ? flag : list(text);
};

interface CliSetting {
  key: SettingKey;
  flag: string;
  env: string;
  /** Placeholder shown in --help. */
  value: string;
  description: string;
  parse: Parse;
  /** Flag may be repeated; values accumulate. */
  repeatable?: boolean;
  /** What a refused value should have been, where the schema alone says it poorly. */
  expected?: string;
}

/** Every setting of the command: flag, environment variable, config key. */
export const CLI_SETTINGS: readonly CliSetting[] = [
  {
    key: 'port',
    flag: 'port',
    env: 'PULSE_PORT',
    value: '<n>',
    parse: integer,
    description: 'port to listen on (0 = any free port)',
  },
  {
    key: 'host',
    flag: 'host',
    env: 'PULSE_HOST',
    value: '<addr>',
    parse: (t) => t,
    description: 'interface to listen on; 127.0.0.1 for local only',
  },
  {
    key: 'adminPort',
    flag: 'admin-port',
    env: 'PULSE_ADMIN_PORT',
    value: '<n>',
    parse: integer,
    description: 'port of the admin listener: dashboard, /api/*, /metrics',
  },
  {
    key: 'adminHost',
    flag: 'admin-host',
    env: 'PULSE_ADMIN_HOST',
    value: '<addr>',
    parse: (t) => t,
    description: 'interface of the admin listener; other than loopback needs --admin-token',
  },
  {
    key: 'adminToken',
    flag: 'admin-token',
    env: 'PULSE_ADMIN_TOKEN',
    value: '<secret>',
    parse: (t) => t,
    description: 'require this token (Bearer, or Basic password) on the admin listener; 16+ chars',
  },
  {
    key: 'allowOrigins',
    flag: 'allow-origin',
    env: 'PULSE_ALLOW_ORIGIN',
    value: '<origin>',
    parse: list,
    repeatable: true,
    expected: 'an origin, scheme://host[:port] (e.g. https://shop.example.com), or *',
    description: 'origin allowed to send beacons; repeat or comma-separate; none = any',
  },
  {
    key: 'ingestKey',
    flag: 'ingest-key',
    env: 'PULSE_INGEST_KEY',
    value: '<key>',
    parse: (t) => t,
    description: 'require this key on every beacon',
  },
  {
    key: 'bodyLimit',
    flag: 'body-limit',
    env: 'PULSE_BODY_LIMIT',
    value: '<bytes>',
    parse: bytes,
    expected: 'a size of at least 1024 bytes (e.g. 65536, 64kb, 1mb)',
    description: 'largest beacon body (e.g. 65536, 64kb)',
  },
  {
    key: 'maxEventsPerBeacon',
    flag: 'max-events',
    env: 'PULSE_MAX_EVENTS',
    value: '<n>',
    parse: integer,
    description: 'most events per beacon',
  },
  {
    key: 'routeCap',
    flag: 'route-cap',
    env: 'PULSE_ROUTE_CAP',
    value: '<n>',
    parse: integer,
    description: 'distinct routes kept per app; more become __other__',
  },
  {
    key: 'eventNameCap',
    flag: 'event-name-cap',
    env: 'PULSE_EVENT_NAME_CAP',
    value: '<n>',
    parse: integer,
    description: 'distinct custom event/timing names kept per app',
  },
  {
    key: 'appCap',
    flag: 'app-cap',
    env: 'PULSE_APP_CAP',
    value: '<n>',
    parse: integer,
    description: 'distinct apps kept; more become __other__',
  },
  {
    key: 'seriesCeiling',
    flag: 'series-ceiling',
    env: 'PULSE_SERIES_CEILING',
    value: '<n>',
    parse: integer,
    description: 'most series all admitted label values may make together',
  },
  {
    key: 'admitAfterClients',
    flag: 'admit-after-clients',
    env: 'PULSE_ADMIT_AFTER_CLIENTS',
    value: '<n>',
    parse: integer,
    description: 'client networks that must send a new app, route or name before it is admitted',
  },
  {
    key: 'labelIdleTimeout',
    flag: 'label-idle-timeout',
    env: 'PULSE_LABEL_IDLE_TIMEOUT',
    value: '<ms>',
    parse: integer,
    description: 'evict an admitted app, route or name not seen for this long',
  },
  {
    key: 'apps',
    flag: 'app',
    env: 'PULSE_APPS',
    value: '<app>',
    parse: list,
    repeatable: true,
    description: 'pin an app; when given, the only apps accepted (repeat or comma-separate)',
  },
  {
    key: 'routes',
    flag: 'route',
    env: 'PULSE_ROUTES',
    value: '<template>',
    parse: list,
    repeatable: true,
    description: 'pin a route template for every app, e.g. /products/:id',
  },
  {
    key: 'eventNames',
    flag: 'event-name',
    env: 'PULSE_EVENT_NAMES',
    value: '<name>',
    parse: list,
    repeatable: true,
    description: 'pin a custom event or timing name for every app',
  },
  {
    key: 'rateLimit',
    flag: 'rate-limit',
    env: 'PULSE_RATE_LIMIT',
    value: '<max[/window]>',
    parse: rateLimit,
    expected: 'off, or <max>[/<window>]: beacons (1 or more) per window (e.g. 600, 600/30s)',
    description:
      "beacons per client per window (default window 1 minute), e.g. 600/1m; 'off' disables",
  },
  {
    key: 'trustProxy',
    flag: 'trust-proxy',
    env: 'PULSE_TRUST_PROXY',
    value: '<addrs>',
    parse: trustProxy,
    description: 'trust X-Forwarded-For from these proxies: addresses or CIDRs, comma-separated',
  },
  {
    key: 'countryHeader',
    flag: 'country-header',
    env: 'PULSE_COUNTRY_HEADER',
    value: '<name>',
    parse: (t) => t.trim(),
    description:
      'record a country label from this header (e.g. cf-ipcountry), believed only from ' +
      '--trust-proxy peers',
  },
  {
    key: 'requestTimeout',
    flag: 'request-timeout',
    env: 'PULSE_REQUEST_TIMEOUT',
    value: '<ms>',
    parse: integer,
    description: 'time a client gets to send a whole request',
  },
  {
    key: 'headersTimeout',
    flag: 'headers-timeout',
    env: 'PULSE_HEADERS_TIMEOUT',
    value: '<ms>',
    parse: integer,
    description: "time a client gets to send a request's headers (at most --request-timeout)",
  },
  {
    key: 'keepAliveTimeout',
    flag: 'keep-alive-timeout',
    env: 'PULSE_KEEP_ALIVE_TIMEOUT',
    value: '<ms>',
    parse: integer,
    description: 'how long an idle keep-alive connection stays open between requests',
  },
  {
    key: 'maxConnections',
    flag: 'max-connections',
    env: 'PULSE_MAX_CONNECTIONS',
    value: '<n>',
    parse: integer,
    description:
      'open connections at most; at the cap idle ones make room ' +
      '(default: open-files limit - 128)',
  },
  {
    key: 'maxConnectionsPerAddress',
    flag: 'max-connections-per-address',
    env: 'PULSE_MAX_CONNECTIONS_PER_ADDRESS',
    value: '<n>',
    parse: integer,
    description: 'open connections per client address at most (trusted proxies exempt)',
  },
  {
    key: 'drainDelay',
    flag: 'drain-delay',
    env: 'PULSE_DRAIN_DELAY',
    value: '<ms>',
    parse: integer,
    description: 'on SIGTERM, report not ready this long before closing',
  },
  {
    key: 'shutdownScrapeWait',
    flag: 'shutdown-scrape-wait',
    env: 'PULSE_SHUTDOWN_SCRAPE_WAIT',
    value: '<ms>',
    parse: integer,
    description:
      'on SIGTERM, once beacons are closed, keep /metrics up until a scrape has read every ' +
      'answered beacon, at most this long (0 = exit at once)',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'PULSE_LOG_LEVEL',
    value: '<level>',
    parse: (t) => t.trim(),
    description: 'fatal, error, warn, info, debug, trace or silent',
  },
  {
    key: 'processMetrics',
    flag: 'process-metrics',
    env: 'PULSE_PROCESS_METRICS',
    value: '<bool>',
    parse: boolean,
    description: 'export Node.js process metrics too',
  },
  {
    key: 'prometheusUrl',
    flag: 'prometheus-url',
    env: 'PULSE_PROMETHEUS_URL',
    value: '<url>',
    parse: (t) => t.trim(),
    description:
      'dashboard and /api/v1/summary show the whole fleet from this Prometheus-compatible ' +
      'query API (Prometheus, VictoriaMetrics, Mimir, Thanos)',
  },
  {
    key: 'prometheusToken',
    flag: 'prometheus-token',
    env: 'PULSE_PROMETHEUS_TOKEN',
    value: '<secret>',
    parse: (t) => t,
    description: 'bearer token for --prometheus-url',
  },
  {
    key: 'prometheusUser',
    flag: 'prometheus-user',
    env: 'PULSE_PROMETHEUS_USER',
    value: '<name>',
    parse: (t) => t,
    description: 'basic authentication user for --prometheus-url (password: --prometheus-password)',
  },
  {
    key: 'prometheusPassword',
    flag: 'prometheus-password',
    env: 'PULSE_PROMETHEUS_PASSWORD',
    value: '<secret>',
    parse: (t) => t,
    description: 'basic authentication password for --prometheus-url',
  },
  {
    key: 'dataDir',
    flag: 'data-dir',
    env: 'PULSE_DATA_DIR',
    value: '<dir>',
    parse: (t) => t.trim(),
    description:
      "keep the dashboard's local history here, so its 1 h and 24 h ranges survive a restart " +
      '(created if missing; must be writable)',
  },
];

/** The config file flag; not a setting itself. */
export const CONFIG_FLAG = { flag: 'config', env: 'PULSE_CONFIG' } as const;

/** What the command should do. */
export type CliCommand =
  { kind: 'help' } | { kind: 'version' } | { kind: 'serve'; settings: CliSettings };

/** A configuration mistake, reported to the user without a stack trace. */
export class CliConfigError extends Error {
  override name = 'CliConfigError';
}

const checkSettings = TypeCompiler.Compile(Type.Partial(CliSettingsSchema));

/**
 * Checks settings from one source. A refusal names the setting, the value as the user wrote it
 * (`texts`: the flag's or variable's own text, when there is one) and what was expected.
 */
function validated(
  source: string,
  settings: Record<string, unknown>,
  texts: Record<string, string> = {},
): Partial<CliSettings> {
  const proxyProblem = trustProxyProblem(settings.trustProxy);
  if (proxyProblem !== undefined) throw settingError(source, 'trustProxy', proxyProblem);
  if (checkSettings.Check(settings)) return settings;
  const error = checkSettings.Errors(settings).First();
  if (error === undefined) throw settingError(source, '', 'invalid');
  const [, key = '', item] = error.path.split('/');
  const setting = CLI_SETTINGS.find((candidate) => candidate.key === key);
  // One item of a list is shown alone; a whole value as it was written, where it was text.
  const value = JSON.stringify(item === undefined ? (texts[key] ?? error.value) : error.value);
  const expected = setting?.expected ?? expectedValue(error.schema);
  throw settingError(source, key, `${value} is not valid: expected ${expected}`);
}

function settingError(source: string, key: string, message: string): CliConfigError {
  const setting = CLI_SETTINGS.find((candidate) => candidate.key === key);
  const name = setting === undefined ? `"${key}"` : `--${setting.flag} (${setting.env}, "${key}")`;
  return new CliConfigError(`${source}: ${name}: ${message}`);
}

export interface CliInputs {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Reads the config file named by --config / PULSE_CONFIG. */
  readFile: (path: string) => string;
}

/** Works out what to do from flags, environment and config file. */
export function resolveCliCommand({ argv, env, readFile }: CliInputs): CliCommand {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        [CONFIG_FLAG.flag]: { type: 'string' },
        ...Object.fromEntries(
          CLI_SETTINGS.map((setting) => [
            setting.flag,
            { type: 'string' as const, multiple: setting.repeatable ?? false },
          ]),
        ),
      },
    });
  } catch (error) {
    throw new CliConfigError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };

  const configPath = (values[CONFIG_FLAG.flag] as string | undefined) ?? env[CONFIG_FLAG.env];
  let fromFile: Partial<CliSettings> = {};
  if (configPath !== undefined && configPath !== '') {
    let json: unknown;
    try {
      json = JSON.parse(readFile(configPath));
    } catch (error) {
      throw new CliConfigError(`config file ${configPath}: ${(error as Error).message}`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new CliConfigError(`config file ${configPath}: expected a JSON object`);
    }
    fromFile = validated(`config file ${configPath}`, json as Record<string, unknown>);
  }

  const fromEnv: Record<string, unknown> = {};
  const fromFlags: Record<string, unknown> = {};
  /** The texts the settings were parsed from, for the message that refuses one. */
  const envTexts: Record<string, string> = {};
  const flagTexts: Record<string, string> = {};
  for (const setting of CLI_SETTINGS) {
    const text = env[setting.env];
    if (text !== undefined && text !== '') {
      fromEnv[setting.key] = setting.parse(text);
      envTexts[setting.key] = text;
    }
    const flag = values[setting.flag] as string | string[] | undefined;
    if (flag === undefined) continue;
    fromFlags[setting.key] = Array.isArray(flag)
      ? flag.flatMap((item) => setting.parse(item) as unknown[])
      : setting.parse(flag);
    flagTexts[setting.key] = [flag].flat().join(',');
  }

  const settings: CliSettings = {
    ...defaultCliSettings,
    ...fromFile,
    ...validated('environment', fromEnv, envTexts),
    ...validated('command line', fromFlags, flagTexts),
  };
  checkAdminExposure(settings);
  const geographyProblem = countryHeaderProblem(settings);
  if (geographyProblem !== undefined) {
    throw settingError('configuration', 'countryHeader', geographyProblem);
  }
  checkPrometheusCredentials(settings);
  if (settings.dataDir !== undefined) {
    const problem = dataDirProblem(settings.dataDir);
    if (problem !== undefined) throw settingError('configuration', 'dataDir', problem);
  }
  return { kind: 'serve', settings };
}

/**
 * Why `dir` cannot hold the dashboard's history, or undefined: it is created if missing, and a
 * file is written and removed there, so that a mistake shows at start rather than a minute later.
 */
function dataDirProblem(dir: string): string | undefined {
  const probe = join(dir, `.pulse-write-check-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe);
    return undefined;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return `${JSON.stringify(dir)} is not a writable directory (${code ?? message})`;
  }
}

/** Credentials without a URL to send them to, or two kinds at once, are a mistake to report. */
function checkPrometheusCredentials(settings: CliSettings): void {
  const { prometheusUrl, prometheusToken, prometheusUser, prometheusPassword } = settings;
  const credentials = [prometheusToken, prometheusUser, prometheusPassword].some(
    (value) => value !== undefined,
  );
  if (credentials && prometheusUrl === undefined) {
    throw new CliConfigError(
      '--prometheus-token, --prometheus-user and --prometheus-password need --prometheus-url',
    );
  }
  if (prometheusToken !== undefined && prometheusUser !== undefined) {
    throw new CliConfigError('--prometheus-token and --prometheus-user: choose one');
  }
}

/** Loopback addresses: only processes on this machine reach a listener bound to them. */
const isLoopback = (host: string) =>
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || ['localhost', '::1', '[::1]'].includes(host);

/**
 * The admin listener serves the collected data. Bound anywhere but loopback it is reachable by
 * others, so it must then be guarded by a token: an open read side is refused, not warned about.
 */
function checkAdminExposure(settings: CliSettings): void {
  if (isLoopback(settings.adminHost) || settings.adminToken !== undefined) return;
  throw new CliConfigError(
    `--admin-host ${settings.adminHost} would publish the dashboard, /api/* and /metrics: ` +
      'set --admin-token (PULSE_ADMIN_TOKEN) as well, or keep the admin listener on 127.0.0.1',
  );
}

/** The collector options a resolved command line stands for. */
export function collectorOptionsFrom(settings: CliSettings): Partial<CollectorOptions> {
  const {
    port: _port,
    host: _host,
    adminPort: _adminPort,
    adminHost: _adminHost,
    drainDelay: _drainDelay,
    shutdownScrapeWait: _shutdownScrapeWait,
    logLevel,
    prometheusUrl,
    prometheusToken,
    prometheusUser,
    prometheusPassword,
    ...options
  } = settings;
  return {
    ...options,
    logger: { level: logLevel },
    ...(prometheusUrl !== undefined && {
      prometheus: {
        url: prometheusUrl,
        token: prometheusToken,
        user: prometheusUser,
        password: prometheusPassword,
      },
    }),
  };
}

/** `--help` text, generated from the settings table. */
export function helpText(): string {
  const rows = [
    ...CLI_SETTINGS.map((setting) => ({
      left: `--${setting.flag} ${setting.value}`,
      env: setting.env,
      description: setting.description,
      fallback: defaultCliSettings[setting.key],
    })),
    {
      left: `--${CONFIG_FLAG.flag} <file.json>`,
      env: CONFIG_FLAG.env,
      description: 'read settings from a JSON file (keys as in the README)',
      fallback: undefined,
    },
    { left: '--help, -h', env: '', description: 'show this help', fallback: undefined },
    { left: '--version, -v', env: '', description: 'show the version', fallback: undefined },
  ];
  const width = Math.max(...rows.map((row) => row.left.length));
  const envWidth = Math.max(...rows.map((row) => row.env.length));
  const lines = rows.map((row) => {
    const fallback =
      row.fallback === undefined || (Array.isArray(row.fallback) && row.fallback.length === 0)
        ? ''
        : ` (default: ${typeof row.fallback === 'object' ? JSON.stringify(row.fallback) : String(row.fallback)})`;
    return `  ${row.left.padEnd(width)}  ${row.env.padEnd(envWidth)}  ${row.description}${fallback}`;
  });
  return [
    'Usage: pulse-collector [options]',
    '',
    'Pulse collector. The ingest listener (--host, --port) is for browsers: beacons at',
    'POST /v1/rum, /pulse.js, health at /healthz and /readyz. The admin listener',
    '(--admin-host, --admin-port; loopback by default) serves the dashboard at /,',
    '/api/v1/summary and Prometheus metrics at /metrics.',
    '',
    'Options (flag, environment variable, description). Precedence:',
    'flag > environment variable > config file > default.',
    '',
    ...lines,
    '',
  ].join('\n');
}

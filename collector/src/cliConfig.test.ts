import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLI_SETTINGS,
  CliConfigError,
  collectorOptionsFrom,
  defaultCliSettings,
  helpText,
  resolveCliCommand,
  type CliSettings,
} from './cliConfig.js';

/** A writable --data-dir (the setting is refused at start when it is not writable). */
const DATA_DIR = join(mkdtempSync(join(tmpdir(), 'pulse-cli-config-')), 'data');

function settings(
  argv: string[],
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): CliSettings {
  const command = resolveCliCommand({
    argv,
    env,
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file '${path}'`);
      return text;
    },
  });
  if (command.kind !== 'serve') throw new Error(`expected serve, got ${command.kind}`);
  return command.settings;
}

const fails =
  (argv: string[], env: Record<string, string> = {}, files = {}) =>
  () =>
    settings(argv, env, files);

describe('pulse-collector configuration', () => {
  it('defaults to port 8080 on every interface with the collector defaults', () => {
    expect(settings([])).toEqual(defaultCliSettings);
    expect(settings([])).toMatchObject({ port: 8080, host: '0.0.0.0', routeCap: 100 });
  });

  it('reads every flag', () => {
    const parsed = settings([
      '--port=9090',
      '--host',
      '127.0.0.1',
      '--allow-origin',
      'https://a.example',
      '--allow-origin',
      'https://b.example,https://c.example',
      '--ingest-key',
      'k3y',
      '--body-limit',
      '32kb',
      '--max-events',
      '100',
      '--route-cap',
      '20',
      '--event-name-cap',
      '10',
      '--app-cap',
      '5',
      '--rate-limit',
      '100/30s',
      '--trust-proxy',
      '10.0.0.0/8,127.0.0.1',
      '--request-timeout',
      '5000',
      '--headers-timeout',
      '2000',
      '--keep-alive-timeout',
      '3000',
      '--max-connections',
      '500',
      '--max-connections-per-address',
      '16',
      '--drain-delay',
      '3000',
      '--shutdown-scrape-wait',
      '25000',
      '--log-level',
      'warn',
      '--process-metrics',
      'false',
    ]);
    expect(parsed).toEqual({
      port: 9090,
      host: '127.0.0.1',
      adminPort: 8081,
      adminHost: '127.0.0.1',
      allowOrigins: ['https://a.example', 'https://b.example', 'https://c.example'],
      ingestKey: 'k3y',
      bodyLimit: 32 * 1024,
      maxEventsPerBeacon: 100,
      routeCap: 20,
      eventNameCap: 10,
      appCap: 5,
      seriesCeiling: 50_000,
      admitAfterClients: 5,
      labelIdleTimeout: 3_600_000,
      apps: [],
      routes: [],
      eventNames: [],
      rateLimit: { max: 100, timeWindow: '30s' },
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
      requestTimeout: 5000,
      headersTimeout: 2000,
      keepAliveTimeout: 3000,
      maxConnections: 500,
      maxConnectionsPerAddress: 16,
      drainDelay: 3000,
      shutdownScrapeWait: 25_000,
      logLevel: 'warn',
      processMetrics: false,
    });
  });

  it('refuses an admin listener off loopback without a token, and accepts it with one', () => {
    expect(() => settings(['--admin-host', '0.0.0.0'])).toThrow(/--admin-token/);
    expect(() => settings([], { PULSE_ADMIN_HOST: '10.0.0.5' })).toThrow(/--admin-token/);
    expect(() => settings(['--admin-token', 'short'])).toThrow(/--admin-token/);
    const open = settings(['--admin-host', '0.0.0.0', '--admin-token', 'x'.repeat(16)]);
    expect(open).toMatchObject({ adminHost: '0.0.0.0', adminToken: 'x'.repeat(16) });
    for (const host of ['127.0.0.1', '127.0.1.1', '::1', 'localhost']) {
      expect(settings(['--admin-host', host]).adminHost).toBe(host);
    }
  });

  it('has an environment variable for every flag', () => {
    const env = Object.fromEntries(CLI_SETTINGS.map((setting) => [setting.env, '7']));
    env.PULSE_HOST = '::1';
    env.PULSE_ADMIN_HOST = '10.1.2.3';
    env.PULSE_ADMIN_TOKEN = 'a-token-of-sixteen-chars';
    env.PULSE_ALLOW_ORIGIN = 'https://a.example, https://b.example';
    env.PULSE_INGEST_KEY = 'from-env';
    env.PULSE_BODY_LIMIT = '2048';
    env.PULSE_RATE_LIMIT = 'off';
    env.PULSE_TRUST_PROXY = '10.0.0.1, 10.0.0.2';
    env.PULSE_COUNTRY_HEADER = 'cf-ipcountry';
    env.PULSE_LOG_LEVEL = 'debug';
    env.PULSE_PROCESS_METRICS = '0';
    env.PULSE_SERIES_CEILING = '20000';
    env.PULSE_LABEL_IDLE_TIMEOUT = '60000';
    env.PULSE_APPS = 'shop, blog';
    env.PULSE_ROUTES = '/, /products/:id';
    env.PULSE_EVENT_NAMES = 'checkout';
    env.PULSE_PROMETHEUS_URL = 'http://prometheus:9090';
    env.PULSE_DATA_DIR = DATA_DIR;
    // A token and a user together are refused (the next test): the user has its own test.
    delete env.PULSE_PROMETHEUS_USER;
    delete env.PULSE_PROMETHEUS_PASSWORD;
    expect(settings([], env)).toEqual({
      port: 7,
      host: '::1',
      adminPort: 7,
      adminHost: '10.1.2.3',
      adminToken: 'a-token-of-sixteen-chars',
      allowOrigins: ['https://a.example', 'https://b.example'],
      ingestKey: 'from-env',
      bodyLimit: 2048,
      maxEventsPerBeacon: 7,
      routeCap: 7,
      eventNameCap: 7,
      appCap: 7,
      seriesCeiling: 20_000,
      admitAfterClients: 7,
      labelIdleTimeout: 60_000,
      apps: ['shop', 'blog'],
      routes: ['/', '/products/:id'],
      eventNames: ['checkout'],
      rateLimit: false,
      trustProxy: ['10.0.0.1', '10.0.0.2'],
      countryHeader: 'cf-ipcountry',
      requestTimeout: 7,
      headersTimeout: 7,
      keepAliveTimeout: 7,
      maxConnections: 7,
      maxConnectionsPerAddress: 7,
      drainDelay: 7,
      shutdownScrapeWait: 7,
      logLevel: 'debug',
      processMetrics: false,
      prometheusUrl: 'http://prometheus:9090',
      prometheusToken: '7',
      dataDir: DATA_DIR,
    });
  });

  it('takes a writable --data-dir, creating it, and refuses one it cannot write to', () => {
    const dir = join(DATA_DIR, 'made', 'here');
    expect(collectorOptionsFrom(settings(['--data-dir', dir]))).toMatchObject({ dataDir: dir });
    // A directory under a regular file can be neither created nor written, even by root.
    const file = join(tmpdir(), `pulse-cli-config-file-${process.pid}`);
    writeFileSync(file, '');
    expect(() => settings(['--data-dir', join(file, 'data')])).toThrow(
      /--data-dir \(PULSE_DATA_DIR, "dataDir"\): ".*" is not a writable directory \(ENOTDIR\)/,
    );
  });

  it('reads --prometheus-url and its credentials, refusing credentials without a URL', () => {
    const url = 'https://vm.example:8428/select/0/prometheus';
    expect(collectorOptionsFrom(settings(['--prometheus-url', url]))).toMatchObject({
      prometheus: { url },
    });
    const basic = settings([], {
      PULSE_PROMETHEUS_URL: url,
      PULSE_PROMETHEUS_USER: 'pulse',
      PULSE_PROMETHEUS_PASSWORD: 'hunter2',
    });
    expect(collectorOptionsFrom(basic)).toMatchObject({
      prometheus: { url, user: 'pulse', password: 'hunter2' },
    });
    expect(
      collectorOptionsFrom(settings(['--prometheus-url', url, '--prometheus-token', 't0ken'])),
    ).toMatchObject({ prometheus: { url, token: 't0ken' } });
    expect(collectorOptionsFrom(settings([]))).not.toHaveProperty('prometheus');
    expect(fails(['--prometheus-token', 't0ken'])).toThrow(/need --prometheus-url/);
    expect(
      fails(['--prometheus-url', url, '--prometheus-token', 't', '--prometheus-user', 'u']),
    ).toThrow(/choose one/);
    expect(fails(['--prometheus-url', 'prometheus:9090'])).toThrow(/--prometheus-url/);
  });

  it('refuses trusting any proxy, from every source, naming the fix', () => {
    const refusal = /--trust-proxy \(PULSE_TRUST_PROXY, "trustProxy"\): true would believe/;
    const fix = /addresses or CIDRs \(e\.g\. 127\.0\.0\.1 .*10\.0\.0\.0\/8\)/;
    const files = { 'c.json': '{"trustProxy":true}' };
    for (const [argv, env, source] of [
      [['--trust-proxy', 'true'], {}, 'command line'],
      [['--trust-proxy=1'], {}, 'command line'],
      [[], { PULSE_TRUST_PROXY: 'TRUE' }, 'environment'],
      [['--config', 'c.json'], {}, 'config file c.json'],
    ] as const) {
      expect(fails([...argv], env, files)).toThrow(CliConfigError);
      expect(fails([...argv], env, files)).toThrow(refusal);
      expect(fails([...argv], env, files)).toThrow(fix);
      expect(fails([...argv], env, files)).toThrow(new RegExp(`^${source}: `));
    }
    expect(fails(['--trust-proxy', '10.0.0.1,proxy.example'])).toThrow(
      /--trust-proxy.*proxy\.example/,
    );
    expect(settings(['--trust-proxy', 'false']).trustProxy).toBe(false);
    expect(
      settings(['--config', 'c.json'], {}, { 'c.json': '{"trustProxy":"10.0.0.0/8"}' }),
    ).toMatchObject({ trustProxy: '10.0.0.0/8' });
    expect(helpText()).not.toMatch(/true for any|<true/);
  });

  it('reads --country-header, refused without --trust-proxy or when not a header name', () => {
    expect(
      settings(['--country-header', 'CF-IPCountry', '--trust-proxy', '10.0.0.1']),
    ).toMatchObject({ countryHeader: 'CF-IPCountry', trustProxy: ['10.0.0.1'] });
    // Combined across sources: the header from the environment, the proxies from a flag.
    expect(
      settings(['--trust-proxy', '10.0.0.1'], { PULSE_COUNTRY_HEADER: 'x-country' }).countryHeader,
    ).toBe('x-country');
    expect(fails(['--country-header', 'cf-ipcountry'])).toThrow(
      /^configuration: --country-header \(PULSE_COUNTRY_HEADER, "countryHeader"\): .*--trust-proxy/,
    );
    expect(fails(['--country-header', 'cf ipcountry', '--trust-proxy', '10.0.0.1'])).toThrow(
      /^command line: --country-header .*must match pattern|^command line: --country-header .*match/,
    );
    expect(settings([]).countryHeader).toBeUndefined();
  });

  it('applies flag > environment > config file > default', () => {
    const files = {
      '/etc/pulse.json': JSON.stringify({ port: 1111, host: '10.1.1.1', routeCap: 33, appCap: 9 }),
    };
    const env = { PULSE_CONFIG: '/etc/pulse.json', PULSE_PORT: '2222', PULSE_HOST: '10.2.2.2' };
    const parsed = settings(['--port', '3333'], env, files);
    expect(parsed.port).toBe(3333);
    expect(parsed.host).toBe('10.2.2.2');
    expect(parsed.routeCap).toBe(33);
    expect(parsed.eventNameCap).toBe(defaultCliSettings.eventNameCap);
  });

  it('takes --config over PULSE_CONFIG, and a rate limit object in the file', () => {
    const files = {
      'a.json': JSON.stringify({ rateLimit: { max: 5, timeWindow: 1000 } }),
      'b.json': JSON.stringify({ rateLimit: false }),
    };
    expect(settings(['--config', 'a.json'], { PULSE_CONFIG: 'b.json' }, files).rateLimit).toEqual({
      max: 5,
      timeWindow: 1000,
    });
  });

  it('defaults the rate-limit window to a minute', () => {
    expect(settings(['--rate-limit', '50']).rateLimit).toEqual({ max: 50, timeWindow: '1 minute' });
  });

  it.each([
    [['--port', 'eighty'], /--port.*PULSE_PORT/],
    [['--port', '70000'], /--port/],
    [['--route-cap', '0'], /--route-cap/],
    [['--log-level', 'loud'], /--log-level/],
    [['--process-metrics', 'maybe'], /--process-metrics/],
    [['--rate-limit', 'lots'], /--rate-limit/],
    [['--no-such-flag'], /no-such-flag/],
    [['positional'], /positional/],
  ])('refuses %j clearly', (argv, message) => {
    expect(fails(argv)).toThrow(CliConfigError);
    expect(fails(argv)).toThrow(message);
  });

  it.each([
    [
      ['--log-level', 'loud'],
      '--log-level (PULSE_LOG_LEVEL, "logLevel"): "loud" is not valid: expected one of fatal, error, warn, info, debug, trace, silent',
    ],
    [
      ['--rate-limit', 'lots'],
      '--rate-limit (PULSE_RATE_LIMIT, "rateLimit"): "lots" is not valid: expected off, or <max>[/<window>]: beacons (1 or more) per window (e.g. 600, 600/30s)',
    ],
    [
      ['--port=-1'],
      '--port (PULSE_PORT, "port"): "-1" is not valid: expected an integer from 0 to 65535',
    ],
    [
      ['--route-cap', '0'],
      '--route-cap (PULSE_ROUTE_CAP, "routeCap"): "0" is not valid: expected an integer of at least 1',
    ],
    [
      ['--process-metrics', 'maybe'],
      '--process-metrics (PULSE_PROCESS_METRICS, "processMetrics"): "maybe" is not valid: expected true or false (or 1 or 0)',
    ],
    [
      ['--body-limit', '1'],
      '--body-limit (PULSE_BODY_LIMIT, "bodyLimit"): "1" is not valid: expected a size of at least 1024 bytes (e.g. 65536, 64kb, 1mb)',
    ],
    [
      ['--app', 'shop,my shop'],
      '--app (PULSE_APPS, "apps"): "my shop" is not valid: expected text matching ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$, at most 64 characters',
    ],
  ])('refuses %j with the flag, the value and what it expects', (argv, message) => {
    expect(fails(argv)).toThrow(`command line: ${message}`);
  });

  it('refuses an allowed origin without a scheme, which no browser would ever send', () => {
    const expected =
      'expected an origin, scheme://host[:port] (e.g. https://shop.example.com), or *';
    expect(fails(['--allow-origin', '127.0.0.1:47012'])).toThrow(
      `command line: --allow-origin (PULSE_ALLOW_ORIGIN, "allowOrigins"): "127.0.0.1:47012" is not valid: ${expected}`,
    );
    expect(fails([], { PULSE_ALLOW_ORIGIN: 'https://a.example,shop.example' })).toThrow(
      `environment: --allow-origin (PULSE_ALLOW_ORIGIN, "allowOrigins"): "shop.example" is not valid`,
    );
    expect(fails(['--allow-origin', 'https://shop.example/checkout'])).toThrow(expected);
    expect(
      settings([
        '--allow-origin',
        'https://a.example,http://127.0.0.1:47012/,*,chrome-extension://abc',
      ]).allowOrigins,
    ).toEqual(['https://a.example', 'http://127.0.0.1:47012/', '*', 'chrome-extension://abc']);
  });

  it('shows a config file value as JSON, with what it expects', () => {
    const file = { 'c.json': '{"rateLimit":{"max":0}}' };
    expect(fails(['--config', 'c.json'], {}, file)).toThrow(
      'config file c.json: --rate-limit (PULSE_RATE_LIMIT, "rateLimit"): {"max":0} is not valid: expected off',
    );
    expect(fails(['--config', 'c.json'], {}, { 'c.json': '{"port":"80"}' })).toThrow(
      '"80" is not valid: expected an integer from 0 to 65535',
    );
  });

  it('refuses bad environment values and config files, naming the source', () => {
    expect(fails([], { PULSE_APP_CAP: '-1' })).toThrow(/environment: --app-cap/);
    expect(fails(['--config', 'missing.json'])).toThrow(/config file missing\.json/);
    expect(fails(['--config', 'c.json'], {}, { 'c.json': '{' })).toThrow(/config file c\.json/);
    expect(fails(['--config', 'c.json'], {}, { 'c.json': '[]' })).toThrow(/JSON object/);
    expect(fails(['--config', 'c.json'], {}, { 'c.json': '{"routecap":5}' })).toThrow(/"routecap"/);
  });

  it('answers --help and --version', () => {
    const run = (argv: string[]) => resolveCliCommand({ argv, env: {}, readFile: () => '' });
    expect(run(['--help']).kind).toBe('help');
    expect(run(['-h']).kind).toBe('help');
    expect(run(['--version']).kind).toBe('version');
  });

  it('lists every flag and its environment variable in --help', () => {
    const help = helpText();
    for (const setting of CLI_SETTINGS) {
      expect(help).toContain(`--${setting.flag}`);
      expect(help).toContain(setting.env);
    }
    expect(help).toContain('--config');
    expect(help).toContain('PULSE_CONFIG');
    expect(help).toContain('(default: 8080)');
  });

  it('turns settings into collector options, leaving listen settings to the command', () => {
    const options = collectorOptionsFrom(settings(['--route-cap', '7', '--log-level', 'warn']));
    expect(options).toMatchObject({ routeCap: 7, logger: { level: 'warn' } });
    expect(options).not.toHaveProperty('port');
    expect(options).not.toHaveProperty('host');
    expect(options).not.toHaveProperty('drainDelay');
    expect(options).not.toHaveProperty('shutdownScrapeWait');
  });
});

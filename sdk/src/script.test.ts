// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PulseConfig } from './types.js';

/** init() stand-in: the tests look at the config the tag builds, and can make it throw. */
const fake = vi.hoisted(() => ({ client: { sampled: true }, init: vi.fn() }));
vi.mock('./init.js', () => ({ init: fake.init }));

/** Sets what `document.currentScript` answers while the tag's code runs. */
const setCurrentScript = (get: () => unknown) =>
  Object.defineProperty(document, 'currentScript', { configurable: true, get });

/** A `<script>` element as the page wrote it. */
const tag = (attributes: Record<string, string>) => {
  const script = document.createElement('script');
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  return script;
};

/** Runs pulse.js's entry afresh, as the browser runs the tag; resolves if nothing was thrown. */
const runTag = async () => {
  vi.resetModules();
  await import('./script.js');
};

const configGiven = () => fake.init.mock.calls[0]![0] as PulseConfig;

describe('pulse.js script tag', () => {
  let consoleCalls: ReturnType<typeof vi.spyOn>[];

  beforeEach(() => {
    fake.init.mockReset().mockReturnValue(fake.client);
    delete window.Pulse;
    consoleCalls = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
  });
  afterEach(() => {
    // The tag never writes to the console: none of these tests sets data-debug.
    for (const spy of consoleCalls) expect(spy).not.toHaveBeenCalled();
    Reflect.deleteProperty(document, 'currentScript');
    delete window.Pulse;
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('configures Pulse from its data attributes, the collector from its own origin', async () => {
    setCurrentScript(() =>
      tag({
        src: 'https://rum.example.com:8443/pulse.js?v=2',
        'data-app': 'shop',
        'data-release': '1.4.2',
        'data-sample-rate': '0.5',
        'data-route': 'hash',
      }),
    );
    await runTag();
    expect(configGiven()).toEqual({
      app: 'shop',
      release: '1.4.2',
      collector: 'https://rum.example.com:8443',
      sampleRate: 0.5,
      route: 'hash',
      debug: false,
    });
    expect(window.Pulse).toBe(fake.client);
  });

  it('takes data-collector as given, and no collector from a tag without src', async () => {
    setCurrentScript(() => tag({ src: '/pulse.js', 'data-app': 'shop', 'data-collector': '/rum' }));
    await runTag();
    expect(configGiven().collector).toBe('/rum');
    fake.init.mockClear();
    setCurrentScript(() => tag({ 'data-app': 'shop' }));
    delete window.Pulse;
    await runTag();
    expect(configGiven().collector).toBe('');
  });

  it('leaves a page that has a Pulse already alone', async () => {
    const existing = { sampled: true };
    window.Pulse = existing as never;
    setCurrentScript(() => tag({ src: 'https://rum.example.com/pulse.js', 'data-app': 'shop' }));
    await runTag();
    expect(fake.init).not.toHaveBeenCalled();
    expect(window.Pulse).toBe(existing);
  });

  it('hands a tag without data-app, or no tag at all, to init(), which says why it cannot start', async () => {
    setCurrentScript(() => tag({ src: 'https://rum.example.com/pulse.js' }));
    await runTag();
    expect(configGiven().app).toBeUndefined();
    fake.init.mockClear();
    delete window.Pulse;
    // A loader that evaluates the file itself leaves no currentScript.
    setCurrentScript(() => null);
    await runTag();
    expect(configGiven()).toMatchObject({ app: undefined, collector: undefined });
  });

  it('passes data-key and data-consent on as given', async () => {
    setCurrentScript(() =>
      tag({ src: '/pulse.js', 'data-app': 'shop', 'data-key': 'k-123', 'data-consent': 'pending' }),
    );
    await runTag();
    expect(configGiven()).toMatchObject({ key: 'k-123', consent: 'pending' });
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    [
      'a constructor that throws',
      function () {
        throw new Error('hostile URL');
      },
    ],
    [
      'a Proxy that throws at every touch',
      new Proxy(function () {}, {
        construct: () => {
          throw new Error('hostile URL');
        },
        get: () => {
          throw new Error('hostile URL');
        },
      }),
    ],
  ])('finds its origin where the page replaced URL with %s', async (_case, hostileURL) => {
    // Replaced only once the tag's code runs: loading a module, and happy-dom's `src`, need it.
    setCurrentScript(() => {
      vi.stubGlobal('URL', hostileURL);
      return { src: 'http://127.0.0.1:8080/pulse.js', dataset: { app: 'shop' } };
    });
    await runTag();
    vi.unstubAllGlobals();
    expect(configGiven().collector).toBe('http://127.0.0.1:8080');
    expect(window.Pulse).toBe(fake.client);
  });

  const hostile = (what: string) => () => {
    throw new Error(`hostile ${what}`);
  };

  it.each<[string, () => void]>([
    ['a currentScript that throws', () => setCurrentScript(hostile('currentScript'))],
    [
      'a dataset that throws',
      () => {
        const script = tag({ src: 'https://rum.example.com/pulse.js' });
        Object.defineProperty(script, 'dataset', { get: hostile('dataset') });
        setCurrentScript(() => script);
      },
    ],
    [
      'a data-app that throws',
      () =>
        setCurrentScript(() => ({
          dataset: {
            get app() {
              throw new Error('hostile');
            },
          },
        })),
    ],
    ['an odd currentScript', () => setCurrentScript(() => ({ dataset: { app: 'x' }, src: 42 }))],
    [
      'a window.Pulse that throws',
      () => {
        setCurrentScript(() => tag({ src: 'https://rum.example.com/pulse.js', 'data-app': 'x' }));
        Object.defineProperty(window, 'Pulse', { configurable: true, get: hostile('Pulse') });
      },
    ],
    [
      'a window.Pulse that refuses to be set',
      () => {
        setCurrentScript(() => tag({ src: 'https://rum.example.com/pulse.js', 'data-app': 'x' }));
        Object.defineProperty(window, 'Pulse', {
          configurable: true,
          get: () => undefined,
          set: hostile('Pulse'),
        });
      },
    ],
    [
      'an init() that throws',
      () => {
        setCurrentScript(() => tag({ src: 'https://rum.example.com/pulse.js', 'data-app': 'x' }));
        fake.init.mockImplementation(hostile('init'));
      },
    ],
  ])('throws nothing into a page with %s', async (_case, arrange) => {
    arrange();
    await expect(runTag()).resolves.toBeUndefined();
  });
});

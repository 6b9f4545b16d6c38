/**
 * How Pulse drives WebKit, Safari's engine: Debian's WebKitGTK MiniBrowser under WebKitWebDriver
 * (package webkit2gtk-driver), through selenium-webdriver. WebKitWebDriver 2.50 speaks W3C
 * WebDriver classic only (a session asking for `webSocketUrl` is refused), so neither playwright
 * (its own patched WebKit) nor puppeteer (BiDi) can drive it. MiniBrowser has no headless mode:
 * each launch starts its own Xvfb display for it.
 *
 * selenium-webdriver is pinned at 4.46.0, the last release that runs on Node 20 (4.47 and later
 * declare `engines: { node: ">=22.0.0" }`). Bump it with the project's Node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Builder, type WebDriver } from 'selenium-webdriver';
import { freePort } from './freePort.js';

/** MiniBrowser, shipped by libwebkit2gtk-4.1-0 under the machine's multiarch directory. */
export const MINIBROWSER_PATH =
  process.env.PULSE_MINIBROWSER ??
  readdirSync('/usr/lib')
    .map((dir) => `/usr/lib/${dir}/webkit2gtk-4.1/MiniBrowser`)
    .find((path) => existsSync(path));

/** A WebKit session with the processes behind it. */
export interface WebKitSession {
  driver: WebDriver;
  /** Ends the session, then WebKitWebDriver and Xvfb. */
  close(): Promise<void>;
}

/** Starts Xvfb on the first free display; `-displayfd` writes the number it took. */
async function startXvfb(): Promise<{ display: string; xvfb: ChildProcess }> {
  const xvfb = spawn(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    },
  );
  const failed = once(xvfb, 'error').then(([error]) => {
    throw new Error(`Xvfb did not start (Debian: apt-get install xvfb): ${String(error)}`);
  });
  const numbered = new Promise<string>((resolve) => {
    let text = '';
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
  });
  return { display: await Promise.race([numbered, failed]), xvfb };
}

/** Starts WebKitWebDriver on `display` and resolves with its address once it answers. */
async function startWebDriver(display: string): Promise<{ url: string; driver: ChildProcess }> {
  // WebKitWebDriver takes no port 0.
  const port = await freePort();
  const driver = spawn('WebKitWebDriver', [`--port=${port}`], {
    stdio: 'ignore',
    env: { ...process.env, DISPLAY: display },
  });
  let failure: Error | undefined;
  driver.on('error', (error) => {
    failure = new Error(
      `WebKitWebDriver did not start (Debian: apt-get install webkit2gtk-driver): ${error.message}`,
    );
  });
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (failure) throw failure;
    const ready = await fetch(`${url}/status`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, driver };
    await sleep(50);
  }
  driver.kill();
  throw new Error(`WebKitWebDriver did not answer on port ${port} within 10 s`);
}

/** MiniBrowser on its own X display, driven by its own WebKitWebDriver. */
export async function launchWebKit(): Promise<WebKitSession> {
  if (MINIBROWSER_PATH === undefined) {
    throw new Error('WebKitGTK MiniBrowser not found (Debian: apt-get install webkit2gtk-driver)');
  }
  const { display, xvfb } = await startXvfb();
  const server = await startWebDriver(display).catch((error: unknown) => {
    xvfb.kill();
    throw error;
  });
  const stop = () => {
    server.driver.kill();
    xvfb.kill();
  };
  try {
    const driver = await new Builder()
      .usingServer(server.url)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
      })
      .build();
    return {
      driver,
      close: async () => {
        await driver.quit();
        stop();
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}

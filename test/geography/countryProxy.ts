/**
 * A real reverse proxy in front of the collector that names each client's country in a header,
 * as Cloudflare (`CF-IPCountry`) or CloudFront (`CloudFront-Viewer-Country`) do: Debian's nginx,
 * whose `geo` block maps the client's address to a country the way a CDN's address database
 * does, and whose connections to the collector leave from their own loopback address
 * (`proxy_bind`), the one the collector is told to trust. It overwrites any country header the
 * client sent, as a CDN does.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/freePort.js';

export const NGINX_BIN = process.env.PULSE_NGINX ?? '/usr/sbin/nginx';

export interface CountryProxyOptions {
  /** Where the collector takes beacons, `http://127.0.0.1:port`. */
  upstream: string;
  /** The address the proxy connects to the collector from (a loopback address on Linux). */
  bindAddress: string;
  /** The header naming the country, e.g. `CF-IPCountry`. */
  header: string;
  /** The country of each client address; any other client is `XX`, Cloudflare's "unknown". */
  countries: Readonly<Record<string, string>>;
}

export interface CountryProxy {
  url: string;
  /** nginx's own error log, for failure messages. */
  log(): string;
  close(): Promise<void>;
}

const configuration = (dir: string, port: number, options: CountryProxyOptions) => `
daemon off;
# One process, this test's own: nothing outlives close().
master_process off;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  geo $client_country {
    default XX;
${Object.entries(options.countries)
  .map(([address, country]) => `    ${address} ${country};`)
  .join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${options.upstream};
      proxy_bind ${options.bindAddress};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header ${options.header} $client_country;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`;

export async function startCountryProxy(options: CountryProxyOptions): Promise<CountryProxy> {
  if (!existsSync(NGINX_BIN)) {
    throw new Error(`${NGINX_BIN} missing: run npm run test:setup (installs Debian's nginx-light)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'pulse-nginx-'));
  // nginx cannot report a port it got for `:0`.
  const port = await freePort();
  await writeFile(join(dir, 'nginx.conf'), configuration(dir, port, options));
  // -e: the error log before the configuration is read, which would else be /var/log/nginx.
  const child = spawn(NGINX_BIN, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${log}`);
    const listening = await fetch(`${url}/healthz`).then(
      () => true,
      () => false,
    );
    if (listening) break;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${url}: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    log: () => log,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

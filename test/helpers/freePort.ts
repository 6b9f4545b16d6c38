import { createServer } from 'node:net';

/** Below the kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range: 32768-60999). */
const LOWEST = 20_000;
const SPAN = 12_000;

/**
 * A loopback port free right now, for a server that must be told its port before it binds it (a
 * child process, an nginx configuration, a page's origin known before its app is built).
 *
 * Taken below the ephemeral range rather than from the kernel (`listen(0)`): ports in that range
 * are also handed out as the local ports of outgoing connections, so a port found free there can
 * be taken by the machine's next connection before the server binds it (seen: `next start` failing
 * with EADDRINUSE after a minute-long `next build`, while browsers and Prometheus connected).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = LOWEST + Math.floor(Math.random() * SPAN);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error(`no free loopback port found between ${LOWEST} and ${LOWEST + SPAN}`);
}

import { Agent, request } from 'node:http';
import type { Beacon } from '@pulse/collector';

/** What the collector answered to one beacon. */
export interface BeaconAnswer {
  status: number;
  body: string;
}

/**
 * Keep-alive connections for `postBeacon`, pooled per source address: each simulated client
 * keeps its own few connections, as a browser does.
 */
export const beaconAgent = () => new Agent({ keepAlive: true });

/**
 * POSTs `beacon` to `ingestUrl` over a real socket, from `from` when given: any address of
 * 127.0.0.0/8 on Linux, so each is a client (and a client network) of its own to the collector.
 * `headers` go with it, as a client or a proxy may add them.
 */
export function postBeacon(
  ingestUrl: string,
  beacon: Beacon,
  {
    agent,
    from,
    headers = {},
  }: { agent: Agent; from?: string; headers?: Readonly<Record<string, string>> },
): Promise<BeaconAnswer> {
  const body = JSON.stringify(beacon);
  return new Promise((resolve, reject) => {
    const req = request(
      `${ingestUrl}/v1/rum`,
      {
        method: 'POST',
        agent,
        localAddress: from,
        headers: {
          ...headers,
          'content-type': 'text/plain;charset=UTF-8',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { RejectReason } from './rejection.js';
import { lookupSeries } from '../record/seriesLookup.js';
import { createCollector } from '../server.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Starts a listening collector (these errors happen below fastify, so inject() cannot reach them). */
async function listening(requestTimeout = 10_000) {
  app = await createCollector({ processMetrics: false, rateLimit: false, requestTimeout });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

/** Writes raw bytes and collects everything the server sends until it closes the socket. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') reject(error);
    });
  });
}

const rejected = async (reason: RejectReason) =>
  (await lookupSeries(app!.pulse.registry)).value('pulse_rejected_total', { reason });

describe('requests Node cannot read', () => {
  it('cuts off a body that never finishes with 408 timeout', async () => {
    const port = await listening(300);
    const answer = await exchange(
      port,
      'POST /v1/rum HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 500\r\n\r\n{"v":1,',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"reason":"timeout"');
    expect(await rejected('timeout')).toBe(1);
  });

  it('answers bytes that are not HTTP with 400 bad_request', async () => {
    const port = await listening();
    const answer = await exchange(port, 'HELLO THERE\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"reason":"bad_request"');
    expect(await rejected('bad_request')).toBe(1);
  });

  it('answers oversized headers with 431 too_large', async () => {
    const port = await listening();
    const answer = await exchange(
      port,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(await rejected('too_large')).toBe(1);
  });
});

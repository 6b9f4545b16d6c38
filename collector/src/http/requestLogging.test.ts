import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { withoutClientAddress } from './requestLogging.js';

/** A fastify instance trusting 127.0.0.1 as a proxy, its log lines kept. */
async function logged(logger: Parameters<typeof withoutClientAddress>[0]) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const options = withoutClientAddress(logger);
  const app = Fastify({
    logger: typeof options === 'object' ? { ...options, stream } : options,
    trustProxy: '127.0.0.1',
  });
  app.get('/pulse.js', async () => 'ok');
  await app.inject({
    url: '/pulse.js',
    remoteAddress: '127.0.0.1',
    headers: { 'x-forwarded-for': '198.51.100.7' },
  });
  await app.close();
  return lines.join('');
}

describe('withoutClientAddress', () => {
  it("logs requests without the client's address or port", async () => {
    const log = await logged({ level: 'info' });
    expect(log).toMatch(/"msg":"incoming request"/);
    expect(log).toMatch(/"url":"\/pulse.js"/);
    expect(log).not.toMatch(/198\.51\.100\.7|remoteAddress|remotePort/);
  });

  it('turns true into the same, and leaves no logger and a serializer of its own alone', async () => {
    expect(withoutClientAddress(false)).toBe(false);
    expect(withoutClientAddress(true)).toMatchObject({
      serializers: { req: expect.any(Function) },
    });
    const own = (req: unknown) => ({ own: req !== undefined });
    expect(withoutClientAddress({ serializers: { req: own } })).toMatchObject({
      serializers: { req: own },
    });
  });
});

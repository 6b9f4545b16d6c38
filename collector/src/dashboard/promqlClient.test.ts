import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { promqlClient } from './promqlClient.js';
import { SourceUnavailableError } from './summarySource.js';

/** A stand-in query API: records each request and answers with `answer(request, form)`. */
interface Seen {
  path: string;
  authorization: string | undefined;
  form: URLSearchParams;
}
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function queryApi(answer: (seen: Seen) => { status?: number; body: unknown } | undefined) {
  const seen: Seen[] = [];
  server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const one = {
        path: request.url ?? '',
        authorization: request.headers.authorization,
        form: new URLSearchParams(body),
      };
      seen.push(one);
      const reply = answer(one);
      if (reply === undefined) return; // never answers
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      response.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, seen };
}

const vector = (value: string) => ({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: { app: 'shop' }, value: [1700000000, value] }] },
});

describe('promqlClient', () => {
  it('posts instant and range queries and reads their answers as numbers', async () => {
    const api = await queryApi(({ path }) =>
      path === '/api/v1/query'
        ? { body: vector('42') }
        : {
            body: {
              status: 'success',
              data: {
                resultType: 'matrix',
                result: [
                  {
                    metric: {},
                    values: [
                      [1700000000, '1'],
                      [1700000060, 'NaN'],
                    ],
                  },
                ],
              },
            },
          },
    );
    const client = promqlClient({ url: `${api.url}/` });
    expect(await client.instant('sum(x)', 1_700_000_000_500)).toEqual([
      { metric: { app: 'shop' }, value: 42 },
    ]);
    const [series] = await client.range('sum(x)', 1_700_000_000_000, 1_700_000_060_000, 60);
    expect([...series!.values]).toEqual([
      [1700000000, 1],
      [1700000060, NaN],
    ]);
    expect(api.seen[0]!.form.get('time')).toBe('1700000000.5');
    expect(Object.fromEntries(api.seen[1]!.form)).toMatchObject({
      query: 'sum(x)',
      start: '1700000000',
      end: '1700000060',
      step: '60',
    });
    expect(api.seen.every((one) => one.authorization === undefined)).toBe(true);
  });

  it('sends a bearer token, or basic credentials from the options or the URL', async () => {
    const api = await queryApi(() => ({ body: vector('1') }));
    await promqlClient({ url: api.url, token: 's3cret' }).instant('up', 0);
    await promqlClient({ url: api.url, user: 'pulse', password: 'pa:ss' }).instant('up', 0);
    await promqlClient({ url: `http://pulse:p%40ss@127.0.0.1:${api.port}` }).instant('up', 0);
    expect(api.seen.map((one) => one.authorization)).toEqual([
      'Bearer s3cret',
      `Basic ${Buffer.from('pulse:pa:ss').toString('base64')}`,
      `Basic ${Buffer.from('pulse:p@ss').toString('base64')}`,
    ]);
  });

  it('turns every failure into SourceUnavailableError, never showing credentials', async () => {
    const api = await queryApi(({ form }) => {
      if (form.get('query') === 'bad(') {
        return {
          status: 400,
          body: { status: 'error', errorType: 'bad_data', error: 'parse error' },
        };
      }
      if (form.get('query') === 'html') return { status: 502, body: '<html>proxy</html>' };
      return undefined;
    });
    const client = promqlClient({
      url: `http://pulse:hunter2@127.0.0.1:${api.port}`,
      timeoutMs: 200,
    });
    expect(client.shownUrl).toBe(`http://127.0.0.1:${api.port}`);
    const failures = await Promise.all(
      ['bad(', 'html', 'silent'].map((query) =>
        client.instant(query, 0).catch((error: unknown) => error),
      ),
    );
    expect(failures.every((error) => error instanceof SourceUnavailableError)).toBe(true);
    const messages = failures.map((error) => (error as Error).message);
    expect(messages[0]).toMatch(/answered 400: parse error/);
    expect(messages[1]).toMatch(/answered 502$/);
    expect(messages[2]).toMatch(/no answer in 200 ms/);
    expect(messages.join(' ')).not.toMatch(/hunter2|pulse:/);

    const unreachable = promqlClient({ url: 'http://127.0.0.1:9' });
    await expect(unreachable.instant('up', 0)).rejects.toBeInstanceOf(SourceUnavailableError);
  });
});

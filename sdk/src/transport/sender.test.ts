// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSender } from './sender.js';

const URL = 'https://rum.example.com/v1/rum';

describe('createSender', () => {
  let fetchMock: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    fetchMock = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('posts a string body (text/plain: no preflight) with keepalive and without credentials', async () => {
    const response = await createSender(URL)('{"v":1}');
    expect(response?.status).toBe(204);
    expect(fetchMock).toHaveBeenCalledWith(URL, {
      method: 'POST',
      body: '{"v":1}',
      keepalive: true,
      credentials: 'omit',
    });
  });

  it('uses sendBeacon while hiding, and no fetch when the browser takes it', async () => {
    const beacon = vi.fn(() => true);
    vi.stubGlobal('navigator', { sendBeacon: beacon });
    expect(await createSender(URL)('{"v":1}', true)).toBeUndefined();
    expect(beacon).toHaveBeenCalledWith(URL, '{"v":1}');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('falls back to a keepalive fetch when sendBeacon refuses or is missing', async () => {
    vi.stubGlobal('navigator', { sendBeacon: () => false });
    await createSender(URL)('a', true);
    vi.stubGlobal('navigator', {});
    await createSender(URL)('b', true);
    expect(fetchMock.mock.calls.map(([, init]) => [init.body, init.keepalive])).toEqual([
      ['a', true],
      ['b', true],
    ]);
  });

  it('keeps in-flight keepalive bodies within 64 KiB, sending the rest without keepalive', async () => {
    const pending: (() => void)[] = [];
    fetchMock.mockImplementation(
      () => new Promise((resolve) => pending.push(() => resolve(new Response(null)))),
    );
    const send = createSender(URL);
    const body = 'x'.repeat(30000);
    const first = send(body);
    const second = send(body);
    const third = send(body);
    expect(fetchMock.mock.calls.map(([, init]) => init.keepalive)).toEqual([true, true, false]);
    pending.forEach((resolve) => resolve());
    await Promise.all([first, second, third]);
    // The budget is free again once the requests are done.
    void send(body);
    expect(fetchMock.mock.calls[3]![1].keepalive).toBe(true);
  });

  it('counts bytes, not characters, against the budget', async () => {
    fetchMock.mockImplementation(() => new Promise(() => {}));
    const send = createSender(URL);
    void send('é'.repeat(20000)); // 40 000 bytes
    void send('é'.repeat(20000));
    expect(fetchMock.mock.calls.map(([, init]) => init.keepalive)).toEqual([true, false]);
  });

  it('rejects on network failure, so the caller can retry', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(createSender(URL)('x')).rejects.toThrow('Failed to fetch');
  });
});

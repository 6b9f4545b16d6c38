// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { blockedByPolicy, createSender } from './sender.js';

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

  it('counts ASCII exactly, and other text never under its UTF-8 bytes', async () => {
    fetchMock.mockImplementation(() => new Promise(() => {}));
    void createSender(URL)('x'.repeat(65536)); // exactly the budget
    void createSender(URL)('x'.repeat(65537));
    const texts = ['é', '€', '😀'].flatMap((char) =>
      [65528, 65530, 65531, 65532, 65533, 65534].map((n) => 'x'.repeat(n) + char),
    );
    for (const text of texts) void createSender(URL)(text);
    const keepalive = fetchMock.mock.calls.map(([, init]) => init.keepalive);
    expect(keepalive.slice(0, 2)).toEqual([true, false]);
    const kept = texts.filter((_, i) => keepalive[i + 2]);
    expect(kept.length).toBeGreaterThan(0);
    for (const text of kept) expect(Buffer.byteLength(text)).toBeLessThanOrEqual(65536);
  });

  it('rejects on network failure, so the caller can retry', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(createSender(URL)('x')).rejects.toThrow('Failed to fetch');
  });
});

/** A `securitypolicyviolation` event as browsers fire it (happy-dom has no such class). */
const violation = (blockedURI: string, effectiveDirective = 'connect-src') =>
  Object.assign(new Event('securitypolicyviolation'), {
    blockedURI,
    effectiveDirective,
  }) as unknown as SecurityPolicyViolationEvent;

describe('blockedByPolicy', () => {
  it('names the collector when connect-src refused the ingest URL or its origin', () => {
    expect(blockedByPolicy(violation(URL), URL)).toBe(true);
    // Some browsers report only the origin of what they blocked.
    expect(blockedByPolicy(violation('https://rum.example.com'), URL)).toBe(true);
  });

  it('resolves a relative ingest URL (first-party proxy) against the document, as fetch does', () => {
    const page = location.origin;
    expect(blockedByPolicy(violation(`${page}/rum/v1/rum`), '/rum/v1/rum')).toBe(true);
    expect(blockedByPolicy(violation(page), '/rum/v1/rum')).toBe(true);
  });

  it.each([
    ['another origin', violation('https://cdn.example.com/app.js'), URL],
    ['a host that only starts like it', violation('https://rum.example.co'), URL],
    ['another port', violation('https://rum.example.com:8443/v1/rum'), URL],
    ['another scheme', violation('http://rum.example.com/v1/rum'), URL],
    ['another path of its origin', violation('https://rum.example.com/other'), URL],
    ['another path of the page (first-party)', violation(`${location.origin}/api`), '/rum/v1/rum'],
    ['another directive (script-src)', violation(URL, 'script-src-elem'), URL],
    ['another directive (img-src)', violation('https://rum.example.com', 'img-src'), URL],
    ['a keyword, not a URL', violation('inline', 'script-src-elem'), URL],
  ])('ignores %s', (_case, event, url) => {
    expect(blockedByPolicy(event, url)).toBe(false);
  });
});

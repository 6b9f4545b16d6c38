import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatcher } from './batcher.js';

const HEADER = '{"v":1,"page":"a"';
const event = (n: number) => JSON.stringify({ k: 'event', name: `e${n}` });

describe('createBatcher', () => {
  let sent: [body: string | undefined, count: number, hiding?: boolean][];
  const send = (body: string | undefined, count: number, hiding?: boolean) =>
    sent.push([body, count, hiding]);

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
  });
  afterEach(() => vi.useRealTimers());

  it('hands on an open body of the context and its events, in order', () => {
    const [add, flush] = createBatcher(send, 20, 16384, 5000);
    add(HEADER, event(1));
    add(HEADER, event(2));
    flush();
    expect(sent).toEqual([[`${HEADER},"events":[${event(1)},${event(2)}]`, 2, undefined]]);
    expect(JSON.parse(sent[0]![0] + '}')).toEqual({
      v: 1,
      page: 'a',
      events: [
        { k: 'event', name: 'e1' },
        { k: 'event', name: 'e2' },
      ],
    });
  });

  it('flushes when the event count is reached', () => {
    const [add] = createBatcher(send, 3, 16384, 5000);
    for (let n = 0; n < 7; n++) add(HEADER, event(n));
    expect(sent.map(([, count]) => count)).toEqual([3, 3]);
  });

  it('flushes as soon as the body reaches the byte limit (a soft limit: one event over at most)', () => {
    const [add] = createBatcher(send, 100, 200, 5000);
    const big = JSON.stringify({ k: 'event', name: 'x'.repeat(80) });
    add(HEADER, big);
    expect(sent).toHaveLength(0);
    add(HEADER, big);
    expect(sent).toHaveLength(1);
    expect(sent[0]![0]!.length).toBeGreaterThanOrEqual(200);
    expect(sent[0]![0]!.length).toBeLessThan(200 + big.length);
  });

  it('flushes on the timer, counted from the first waiting event, and only while events wait', () => {
    const [add] = createBatcher(send, 20, 16384, 5000);
    expect(vi.getTimerCount()).toBe(0);
    add(HEADER, event(1));
    vi.advanceTimersByTime(3000);
    add(HEADER, event(2));
    vi.advanceTimersByTime(1999);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(sent.map(([, count]) => count)).toEqual([2]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('flushes before an event of another page view, so one body is one page view', () => {
    const [add, flush] = createBatcher(send, 20, 16384, 5000);
    add(HEADER, event(1));
    add('{"v":1,"page":"b"', event(2));
    flush();
    expect(sent.map(([body]) => JSON.parse(body + '}').page)).toEqual(['a', 'b']);
  });

  it('passes the hiding flag on, and flushes even with nothing waiting', () => {
    const [add, flush] = createBatcher(send, 20, 16384, 5000);
    flush(true);
    add(HEADER, event(1));
    flush(true);
    expect(sent).toEqual([
      [undefined, 0, true],
      [`${HEADER},"events":[${event(1)}]`, 1, true],
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop clears the timer', () => {
    const [add, , stop] = createBatcher(send, 20, 16384, 5000);
    add(HEADER, event(1));
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});

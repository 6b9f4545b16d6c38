import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRetryQueue } from './retryQueue.js';

/** `open`: the request stays open until `failOpen()` rejects it as a network error. */
type Outcome = number | 'network' | 'beacon' | 'open';

/** A send function whose outcomes are scripted, recording every body it was given. */
const scriptedSend = (outcomes: Outcome[], retryAfter?: string) => {
  const bodies: [body: string, hiding?: boolean][] = [];
  const open: (() => void)[] = [];
  const send = vi.fn(async (body: string, hiding?: boolean) => {
    bodies.push([body, hiding]);
    const outcome = outcomes.shift() ?? 204;
    if (outcome == 'network') throw new TypeError('Failed to fetch');
    if (outcome == 'beacon') return;
    if (outcome == 'open') {
      return new Promise<never>((_resolve, reject) =>
        open.push(() => reject(new TypeError('Failed to fetch'))),
      );
    }
    return new Response(null, {
      status: outcome,
      headers: retryAfter ? { 'retry-after': retryAfter } : {},
    });
  });
  return { send, bodies, failOpen: () => open.splice(0).forEach((fail) => fail()) };
};

/** Runs the promise reactions queued so far, and nothing of a later task (no timer). */
const settleMicrotasks = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

const body = (n: number) => `{"v":1,"events":[${'{"k":"view"},'.repeat(n - 1)}{"k":"view"}]`;
const parse = (sent: string) => JSON.parse(sent) as { dropped?: number; events: unknown[] };

describe('createRetryQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('sends bodies right away while the collector answers, closing them as JSON', async () => {
    const { send, bodies } = scriptedSend([204, 204]);
    const [push] = createRetryQueue(send, 200);
    push(body(2), 2);
    push(body(1), 1);
    await vi.runAllTimersAsync();
    expect(bodies.map(([sent]) => parse(sent).events.length)).toEqual([2, 1]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('retries after a network error or 5xx with exponential backoff and full jitter', async () => {
    const { send, bodies } = scriptedSend(['network', 503, 204]);
    const [push] = createRetryQueue(send, 200);
    push(body(1), 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(bodies).toHaveLength(1);
    // First wait: random (0.5) × 1 s.
    await vi.advanceTimersByTimeAsync(499);
    expect(bodies).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(bodies).toHaveLength(2);
    // Second wait: random (0.5) × 2 s, from the task after the failure (a failed body is held
    // again one task later: a timer, which fake timers run 1 ms later when set inside a timer).
    await vi.advanceTimersByTimeAsync(1000);
    expect(bodies).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(bodies).toHaveLength(3);
    expect(bodies.every(([sent]) => sent == bodies[0]![0])).toBe(true);
    await vi.runAllTimersAsync();
    expect(bodies).toHaveLength(3);
  });

  it('caps the backoff at 60 s', async () => {
    const { send } = scriptedSend(Array(12).fill(500));
    const times: number[] = [];
    send.mockImplementation(async () => {
      times.push(Date.now());
      return new Response(null, { status: 500 });
    });
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const [push, stop] = createRetryQueue(send, 200);
    push(body(1), 1);
    await vi.advanceTimersByTimeAsync(10 * 60000);
    stop();
    const gaps = times.slice(1).map((time, n) => time - times[n]!);
    // Each gap after the first has 1 ms more: the failed body is held again one task later, by
    // a timer, which fake timers run 1 ms later when it is set inside a timer.
    expect(gaps.slice(0, 3)).toEqual([999, 1999, 3997]);
    expect(Math.max(...gaps)).toBe(59941);
    expect(gaps.slice(-3)).toEqual([59941, 59941, 59941]);
  });

  // Math.random is 0.5: the first backoff is 500 ms.
  it.each([
    {
      case: 'a 429 without Retry-After, like a 5xx',
      status: 429,
      retryAfter: undefined,
      wait: 500,
    },
    { case: 'at least the Retry-After of a 429', status: 429, retryAfter: '30', wait: 30_000 },
    { case: 'the backoff when Retry-After is shorter', status: 503, retryAfter: '0', wait: 500 },
  ])('retries after $case', async ({ status, retryAfter, wait }) => {
    const { send, bodies } = scriptedSend([status, 204], retryAfter);
    const [push] = createRetryQueue(send, 200);
    push(body(1), 1);
    await vi.advanceTimersByTimeAsync(wait - 1);
    expect(bodies).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(bodies).toHaveLength(2);
    await vi.runAllTimersAsync();
    expect(bodies).toHaveLength(2);
  });

  it('holds new bodies while backing off, then sends them all', async () => {
    const { send, bodies } = scriptedSend(['network']);
    const [push] = createRetryQueue(send, 200);
    push(body(1), 1);
    await vi.advanceTimersByTimeAsync(0);
    push(body(2), 2);
    push(body(3), 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(bodies).toHaveLength(1);
    await vi.runAllTimersAsync();
    expect(bodies.slice(1).map(([sent]) => parse(sent).events.length)).toEqual([1, 2, 3]);
  });

  it('drops the oldest bodies beyond the bound and reports the count with the next body', async () => {
    const { send, bodies } = scriptedSend(['network', 204, 204, 204]);
    const [push] = createRetryQueue(send, 5);
    push(body(3), 3);
    await vi.advanceTimersByTimeAsync(0);
    push(body(2), 2);
    push(body(2), 2); // 7 held > 5: the failed 3-event body is dropped
    await vi.advanceTimersByTimeAsync(0);
    expect(bodies).toHaveLength(1);
    await vi.runAllTimersAsync();
    push(body(1), 1);
    await vi.runAllTimersAsync();
    const later = bodies.slice(1).map(([sent]) => parse(sent));
    expect(later.map((beacon) => beacon.events.length)).toEqual([2, 2, 1]);
    expect(later.map((beacon) => beacon.dropped)).toEqual([undefined, undefined, 3]);
  });

  it('keeps a dropped count with its body when that body fails, counting it once', async () => {
    const { send, bodies } = scriptedSend([400, 'network', 204]);
    const [push] = createRetryQueue(send, 200);
    push(body(4), 4); // refused for good: 4 dropped
    await vi.advanceTimersByTimeAsync(0);
    push(body(1), 1); // carries dropped 4, fails, retried with it
    await vi.runAllTimersAsync();
    expect(bodies.map(([sent]) => parse(sent).dropped)).toEqual([undefined, 4, 4]);
    push(body(1), 1);
    await vi.runAllTimersAsync();
    expect(parse(bodies[3]![0]).dropped).toBeUndefined();
  });

  it('delivers again after an outage that dropped more events than the bound', async () => {
    // Every try fails for a while, then the collector is back.
    const { send, bodies } = scriptedSend(Array<Outcome>(12).fill('network'));
    const [push] = createRetryQueue(send, 5);
    for (let i = 0; i < 10; i += 1) {
      push(body(2), 2);
      await vi.advanceTimersByTimeAsync(0);
    }
    await vi.runAllTimersAsync();
    push(body(2), 2);
    await vi.runAllTimersAsync();
    const delivered = bodies.slice(12).map(([sent]) => parse(sent));
    // What the bound kept (at most 5 events) and the body sent after recovery arrive; every
    // other event of the 22 arrives as a count.
    const events = delivered.reduce((sum, beacon) => sum + beacon.events.length, 0);
    const dropped = delivered.reduce((sum, beacon) => sum + (beacon.dropped ?? 0), 0);
    expect(events).toBeGreaterThan(2);
    expect(events).toBeLessThanOrEqual(5 + 2);
    expect(dropped).toBeGreaterThan(0);
    expect(events + dropped).toBe(22);
  });

  it('does not retry other 4xx answers', async () => {
    const { send, bodies } = scriptedSend([413]);
    const [push] = createRetryQueue(send, 200);
    push(body(1), 1);
    await vi.runAllTimersAsync();
    expect(bodies).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends everything held at once, marked hiding, when the page hides', async () => {
    const { send, bodies } = scriptedSend(['network', 'beacon', 'beacon', 'beacon']);
    const [push] = createRetryQueue(send, 200);
    push(body(1), 1);
    await vi.advanceTimersByTimeAsync(0);
    push(body(2), 2);
    push(body(3), 3, true);
    await vi.advanceTimersByTimeAsync(0);
    expect(bodies.slice(1).map(([sent, hiding]) => [parse(sent).events.length, hiding])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('schedules nothing after stop', async () => {
    const { send } = scriptedSend(['network']);
    const [push, stop] = createRetryQueue(send, 200);
    push(body(1), 1, true);
    stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  // The page's CSP blocks the collector: the queue stops while backing off, bodies held.
  it('sends nothing more after stop: what it held is dropped, later pushes are ignored', async () => {
    const { send, bodies } = scriptedSend(['network']);
    const [push, stop] = createRetryQueue(send, 200);
    push(body(1), 1);
    await vi.advanceTimersByTimeAsync(0);
    push(body(2), 2); // held behind the retry
    expect(stop()).toBe(true);
    push(body(3), 3);
    push(undefined, 0, true);
    push(body(4), 4, true);
    await vi.runAllTimersAsync();
    expect(bodies).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    // Stopping again changes nothing, and says so.
    expect(stop()).toBe(false);
  });

  it('drops a body whose request fails after stop, instead of holding it', async () => {
    const { send, bodies, failOpen } = scriptedSend(['open', 204]);
    const [push, stop] = createRetryQueue(send, 200);
    push(body(1), 1);
    await settleMicrotasks();
    stop();
    failOpen();
    await vi.runAllTimersAsync();
    // Not retried, and not held for a later push either.
    push(undefined, 0, true);
    await vi.runAllTimersAsync();
    expect(bodies).toHaveLength(1);
  });

  // Chromium rejects the fetches a page has open when it unloads (a network error, during
  // pagehide, in the one task that fires pagehide and visibilitychange), although the collector
  // may have counted the request already: a keepalive one goes on without the page.
  it('does not send again at hide a body whose request the unload rejected', async () => {
    const { send, bodies, failOpen } = scriptedSend(['open', 'beacon', 'beacon']);
    const [push] = createRetryQueue(send, 200);
    // A soft navigation hands the view that ended to the queue; its request is still open...
    push(body(2), 2);
    await settleMicrotasks();
    // ...when the page unloads: pagehide, the rejection and visibilitychange in one task.
    push(undefined, 0, true);
    failOpen();
    await settleMicrotasks();
    push(body(1), 1, true);
    await settleMicrotasks();
    expect(bodies.map(([sent, hiding]) => [parse(sent).events.length, hiding])).toEqual([
      [2, undefined],
      [1, true],
    ]);
  });

  it('retries such a body as before when the page lives on', async () => {
    const { send, bodies, failOpen } = scriptedSend(['open', 204]);
    const [push] = createRetryQueue(send, 200);
    push(body(2), 2);
    await settleMicrotasks();
    failOpen();
    await vi.runAllTimersAsync();
    expect(bodies.map(([sent, hiding]) => [parse(sent).events.length, hiding])).toEqual([
      [2, undefined],
      [2, undefined],
    ]);
  });
});

import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatcher } from './batcher.js';
import { createRetryQueue } from './retryQueue.js';

/**
 * The flush at page hide, batcher and retry queue together, cut short at every step. A browser
 * may end a page's handler at any point while the page unloads (Firefox: "Script terminated by
 * timeout"), and then run the next handler (the visibilitychange after a pagehide) with whatever
 * state the cut left. Such a cut is not an exception: no catch or finally of the SDK runs. Node's
 * vm timeout ends a script the same way (V8 terminates it), so the fake sender below spins at the
 * chosen step and the timeout ends the handler there; the timeout only bounds an endless loop.
 */
const CUT_AFTER_MS = 200;

/** Runs `handler` and expects it to be cut short (terminated, not thrown out of). */
const runCutShort = (handler: () => void) =>
  expect(() => runInNewContext('handler()', { handler }, { timeout: CUT_AFTER_MS })).toThrow(
    expect.objectContaining({ code: 'ERR_SCRIPT_EXECUTION_TIMEOUT' }),
  );

/**
 * What the sender does at its nth call: `deliver` hands the body over (sendBeacon queued it);
 * `cut-before` is ended before handing it over, `cut-after` right after; `throw` throws, as a
 * sendBeacon over quota or a broken fetch polyfill may; `fail` rejects as a network error does.
 */
type Step = 'deliver' | 'cut-before' | 'cut-after' | 'throw' | 'fail';

const names = (body: string) =>
  (JSON.parse(body) as { events: { name: string }[] }).events.map((event) => event.name);

/**
 * A page's transport: events e1..e4 went out in two bodies that failed (network) and wait in the
 * retry queue; e5, the page event, waits in the batcher. `hide()` is the flush of a hide handler.
 */
const pageWithHeldBodies = async (steps: Step[]) => {
  const delivered: string[] = [];
  const calls: Step[] = [];
  const send = async (body: string) => {
    const step = steps.shift() ?? 'deliver';
    calls.push(step);
    if (step == 'fail') throw new TypeError('Failed to fetch');
    if (step == 'cut-before') for (;;);
    if (step == 'throw') throw new DOMException('quota exceeded', 'QuotaExceededError');
    delivered.push(...names(body));
    if (step == 'cut-after') for (;;);
  };
  const [push] = createRetryQueue(send, 200);
  const [add, flush] = createBatcher(push, 2, 16384, 5000);
  const header = '{"v":2,"app":"shop"';
  for (const name of ['e1', 'e2', 'e3', 'e4']) add(header, `{"k":"event","name":"${name}"}`);
  // The two failed bodies go back to the queue a task later, behind a backoff timer.
  await vi.advanceTimersByTimeAsync(0);
  expect(calls).toEqual(['fail', 'fail']);
  calls.length = 0;
  add(header, '{"k":"page","name":"e5"}');
  return {
    delivered,
    calls,
    hide: () => flush(true),
    /** Returns a handler adding two events that fill a batch, the sender taking `next` steps. */
    addTwo: (next: Step[]) => () => {
      steps.push(...next);
      add(header, '{"k":"event","name":"f1"}');
      add(header, '{"k":"event","name":"f2"}');
    },
  };
};

/** How often each event reached the collector. */
const counts = (delivered: string[]) =>
  Object.fromEntries(
    ['e1', 'e2', 'e3', 'e4', 'e5'].map((n) => [n, delivered.filter((d) => d == n).length]),
  );

describe('the hide flush, cut short at any step', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  // A hide sends the three bodies in order: [e1 e2], [e3 e4] (held), [e5] (the batcher's).
  for (const at of [1, 2, 3]) {
    it(`a cut right after send ${at} of 3 handed its body over: the next hide sends the rest, once`, async () => {
      const steps: Step[] = ['fail', 'fail', ...Array<Step>(at - 1).fill('deliver'), 'cut-after'];
      const page = await pageWithHeldBodies(steps);
      runCutShort(page.hide);
      expect(page.calls).toEqual([...Array<Step>(at - 1).fill('deliver'), 'cut-after']);
      // The next handler (visibilitychange after a cut pagehide, or a later hide).
      page.hide();
      await vi.runAllTimersAsync();
      expect(counts(page.delivered)).toEqual({ e1: 1, e2: 1, e3: 1, e4: 1, e5: 1 });
    });

    it(`a cut inside send ${at} of 3, before its body was handed over: only that body is lost, nothing is sent twice`, async () => {
      const steps: Step[] = ['fail', 'fail', ...Array<Step>(at - 1).fill('deliver'), 'cut-before'];
      const page = await pageWithHeldBodies(steps);
      runCutShort(page.hide);
      page.hide();
      await vi.runAllTimersAsync();
      const lost = [['e1', 'e2'], ['e3', 'e4'], ['e5']][at - 1]!;
      const expected = { e1: 1, e2: 1, e3: 1, e4: 1, e5: 1 } as Record<string, number>;
      for (const name of lost) expected[name] = 0;
      expect(counts(page.delivered)).toEqual(expected);
    });

    it(`a send ${at} of 3 that throws: its body is sent once, later, not by the hide flush of the same task`, async () => {
      const steps: Step[] = ['fail', 'fail', ...Array<Step>(at - 1).fill('deliver'), 'throw'];
      const page = await pageWithHeldBodies(steps);
      page.hide();
      page.hide();
      expect(page.calls).toHaveLength(3);
      await vi.runAllTimersAsync();
      expect(counts(page.delivered)).toEqual({ e1: 1, e2: 1, e3: 1, e4: 1, e5: 1 });
    });
  }

  it('a cut while a batch that filled up is handed on: the batcher does not hand it on again', async () => {
    const page = await pageWithHeldBodies(['fail', 'fail']);
    page.hide();
    expect(page.calls).toEqual(['deliver', 'deliver', 'deliver']);
    // The next two events fill a batch, which goes at once, by a send cut short after its body
    // was handed over; then the page hides.
    const fill = page.addTwo(['cut-after']);
    runCutShort(fill);
    page.hide();
    await vi.runAllTimersAsync();
    expect(page.delivered.filter((name) => name == 'f1' || name == 'f2')).toEqual(['f1', 'f2']);
  });
});

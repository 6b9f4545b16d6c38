import { afterEach, describe, expect, it, vi } from 'vitest';
import { observeHandlerSpans } from './handlerSpans.js';

/** A PerformanceObserver that delivers what `deliver` is given, and records how it was asked. */
const fakeObserver = () => {
  const observed: PerformanceObserverInit[] = [];
  let callback: PerformanceObserverCallback = () => {};
  let disconnected = false;
  vi.stubGlobal(
    'PerformanceObserver',
    Object.assign(
      function (this: unknown, cb: PerformanceObserverCallback) {
        callback = cb;
        return {
          observe: (init: PerformanceObserverInit) => observed.push(init),
          disconnect: () => (disconnected = true),
        };
      },
      { supportedEntryTypes: ['event'] },
    ),
  );
  const deliver = (...entries: object[]) =>
    callback({ getEntries: () => entries } as never, {} as never);
  return { observed, deliver, disconnected: () => disconnected };
};

const event = (
  interactionId: number,
  processingStart: number,
  processingEnd: number,
  name = 'click',
) => ({
  entryType: 'event',
  name,
  interactionId,
  processingStart,
  processingEnd,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('observeHandlerSpans', () => {
  it("joins the handlers of all an interaction's events, and ignores events of none", () => {
    const { observed, deliver } = fakeObserver();
    const [spanOf] = observeHandlerSpans();
    expect(observed).toEqual([{ type: 'event', buffered: true, durationThreshold: 40 }]);
    deliver(event(7, 100, 102), event(7, 110, 111), event(7, 111, 380), event(0, 50, 900));
    deliver(event(8, 600, 610));
    expect(spanOf(7)?.slice(0, 2)).toEqual([100, 380]);
    expect(spanOf(8)?.slice(0, 2)).toEqual([600, 610]);
    expect(spanOf(0)).toBeUndefined();
  });

  it('names the event whose handlers ran longest, the first seen on a tie', () => {
    const { deliver } = fakeObserver();
    const [spanOf] = observeHandlerSpans();
    // A click: pointerdown (delivered last, as Chromium does) has quick handlers, click a slow one.
    deliver(event(3, 105, 106, 'pointerup'), event(3, 106, 406, 'click'));
    deliver(event(3, 100, 102, 'pointerdown'));
    expect(spanOf(3)).toEqual([100, 406, 'click', 300]);
    // No handlers at all: the first event seen.
    deliver(event(4, 500, 500, 'keydown'), event(4, 510, 510, 'keyup'));
    expect(spanOf(4)).toEqual([500, 510, 'keydown', 0]);
  });

  it('keeps the latest 100 interactions, and stops on disconnect', () => {
    const { deliver, disconnected } = fakeObserver();
    const [spanOf, disconnect] = observeHandlerSpans();
    for (let id = 1; id <= 101; id++) deliver(event(id, id, id + 1));
    expect(spanOf(1)).toBeUndefined();
    expect(spanOf(2)).toEqual([2, 3, 'click', 1]);
    expect(spanOf(101)).toEqual([101, 102, 'click', 1]);
    disconnect();
    expect(disconnected()).toBe(true);
  });
});

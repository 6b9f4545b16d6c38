import { observe } from '../lib/observe.js';

/** Interactions remembered; the oldest go first. INP phases are computed as INP is reported. */
const MAX_INTERACTIONS = 100;
/** web-vitals' own threshold for INP candidates, so every event it may report is seen here. */
const DURATION_THRESHOLD = 40;

/**
 * When an interaction's first event handler started and its last one ended, and which of its
 * events had the longest handlers (the first seen, on a tie) and how long they ran.
 */
export type HandlerSpan = [
  processingStart: number,
  processingEnd: number,
  busiestEvent: string,
  busiestMs: number,
];

/**
 * Watches event-timing entries and keeps, per interaction, the span of all its handlers. The
 * entries web-vitals hands over with INP are only those of the interaction's longest event
 * (with ties of the same start): for a tap, usually `pointerdown` alone, whose own handlers are
 * quick while `click`'s run before the same paint. Its pointerup and click share its
 * interactionId, and this map joins them, as web-vitals' attribution build does by frame. The
 * busiest event names the handler to blame (`click`, where web-vitals hands over `pointerdown`).
 * Only numbers and event names are kept, never the entries: they hold their target elements.
 * Returns the lookup and the disconnect function.
 */
export const observeHandlerSpans = (): [
  spanOf: (interactionId: number) => HandlerSpan | undefined,
  disconnect: () => void,
] => {
  const spans = new Map<number, HandlerSpan>();
  const disconnect = observe(
    ['event'],
    (entry) => {
      const { interactionId, processingStart, processingEnd, name } =
        entry as PerformanceEventTiming;
      if (!interactionId) return;
      const handling = processingEnd - processingStart;
      const span = spans.get(interactionId) || [processingStart, processingEnd, name, handling];
      const busiest = handling > span[3];
      spans.set(interactionId, [
        Math.min(span[0], processingStart),
        Math.max(span[1], processingEnd),
        busiest ? name : span[2],
        busiest ? handling : span[3],
      ]);
      if (spans.size > MAX_INTERACTIONS) spans.delete(spans.keys().next().value!);
    },
    DURATION_THRESHOLD,
  );
  return [(interactionId) => spans.get(interactionId), disconnect];
};

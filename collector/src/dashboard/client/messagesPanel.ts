/// <reference lib="dom" />
/**
 * The _Messages_ section: an app's socket.io message delivery (docs/REALTIME.md) in four cards:
 * delivery time p75 and p95, the share not delivered (timed out or lost on a disconnect), and
 * the acknowledged emits; each card's detail line gives the busiest events' own figures.
 */
import type { MessageSummary } from '../summarySchema.js';
import { showFigure } from './cards.js';
import { formatCount, formatSeconds, formatShare } from './format.js';

/** Events named on a card's detail line. */
const EVENTS_NAMED = 3;
/** Not delivered above this share is poor: the PulseMessageDeliveryFailing threshold, 5%. */
const POOR_UNDELIVERED = 0.05;

const perEvent = (
  messages: MessageSummary,
  format: (event: MessageSummary['events'][number]) => string,
) =>
  messages.events
    .slice(0, EVENTS_NAMED)
    .map((event) => `${event.event} ${format(event)}`)
    .join(' · ');

export function showMessages(root: ParentNode, messages: MessageSummary): void {
  const acked = messages.delivered + messages.failed + messages.lost;
  showFigure(root, 'msg-p75', {
    value: messages.p75,
    text: formatSeconds(messages.p75),
    detail: perEvent(messages, (event) => formatSeconds(event.p75)),
  });
  showFigure(root, 'msg-p95', {
    value: messages.p95,
    text: formatSeconds(messages.p95),
    detail: perEvent(messages, (event) => formatSeconds(event.p95)),
  });
  showFigure(root, 'msg-undelivered', {
    value: messages.undeliveredShare,
    text: formatShare(messages.undeliveredShare, 1),
    detail: `${formatCount(messages.failed)} timed out · ${formatCount(messages.lost)} lost · ${perEvent(
      messages,
      (event) => formatShare(event.undeliveredShare, 1),
    )}`,
    band:
      messages.undeliveredShare === null
        ? ''
        : messages.undeliveredShare > POOR_UNDELIVERED
          ? 'poor'
          : 'good',
  });
  showFigure(root, 'msg-count', {
    value: acked,
    text: formatCount(acked),
    detail: `${formatCount(messages.in)} in · ${formatCount(messages.out)} out · ${perEvent(
      messages,
      (event) => formatCount(event.delivered + event.failed + event.lost),
    )}`,
  });
}

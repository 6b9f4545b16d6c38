/// <reference lib="dom" />
/** Fills the figure cards of the page skeleton (`data-figure` elements). */
import type { VitalSummary } from '../summarySchema.js';
import { setAttribute, setBand, setText, setWidth, required } from './domWrites.js';
import { formatCount, formatShare, formatVital } from './format.js';

/** What a card shows: the exact value (kept in `data-value`), its text, and a line of detail. */
export interface Figure {
  value: number | null;
  text: string;
  detail?: string;
  /** Colour band of the value: good, needs-improvement, poor, or none. */
  band?: string;
}

const RATINGS = ['good', 'needs-improvement', 'poor'] as const;
const RATING_NAMES = { good: 'good', 'needs-improvement': 'NI', poor: 'poor' };

export function showFigure(root: ParentNode, name: string, figure: Figure): void {
  const card = required(root, `[data-figure="${name}"]`);
  const value = required(card, '.value');
  setAttribute(value, 'data-value', figure.value === null ? '' : String(figure.value));
  setText(value, figure.text);
  setBand(value, figure.band ?? '');
  setText(required(card, '.detail'), figure.detail ?? '');
}

/** A vital card: p75 coloured by its rating, and the CrUX-style bar of rating shares. */
export function showVital(root: ParentNode, metric: string, vital: VitalSummary): void {
  const card = required(root, `[data-figure="vital"][data-metric="${metric}"]`);
  const value = required(card, '.value');
  setAttribute(value, 'data-value', vital.p75 === null ? '' : String(vital.p75));
  setText(value, formatVital(metric, vital.p75));
  setBand(value, vital.rating ?? '');
  const rated = RATINGS.reduce((sum, rating) => sum + vital.ratings[rating], 0);
  const shares = RATINGS.map((rating) => (rated > 0 ? vital.ratings[rating] / rated : 0));
  RATINGS.forEach((rating, i) => {
    const bar = required<HTMLElement>(card, `.ratings .${rating}`);
    setWidth(bar, shares[i]!);
    setAttribute(bar, 'data-share', String(shares[i]));
    setAttribute(bar, 'title', `${RATING_NAMES[rating]} ${formatShare(shares[i]!)}`);
  });
  setText(
    required(card, '.detail'),
    rated === 0
      ? 'no page views yet'
      : `${RATINGS.map((rating, i) => `${RATING_NAMES[rating]} ${formatShare(shares[i]!)}`).join(' · ')}` +
          ` · ${formatCount(rated)} views`,
  );
}

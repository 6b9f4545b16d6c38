/**
 * The time ranges the dashboard offers (`GET /api/v1/summary?range=1h`), each with the spacing of
 * its chart points. The spacing keeps every range at 60 to 96 points: enough for a line, few
 * enough that a poll stays cheap on the collector and on the query engine.
 */
export const RANGES = {
  '15m': { seconds: 15 * 60, stepSeconds: 15, label: '15 min' },
  '1h': { seconds: 60 * 60, stepSeconds: 60, label: '1 h' },
  '6h': { seconds: 6 * 60 * 60, stepSeconds: 5 * 60, label: '6 h' },
  '24h': { seconds: 24 * 60 * 60, stepSeconds: 15 * 60, label: '24 h' },
  '7d': { seconds: 7 * 24 * 60 * 60, stepSeconds: 2 * 60 * 60, label: '7 d' },
} as const;

export type RangeName = keyof typeof RANGES;

export const RANGE_NAMES = Object.keys(RANGES) as RangeName[];

/** The range the page opens with, and the one `/api/v1/summary` answers without `range`. */
export const DEFAULT_RANGE: RangeName = '1h';

export const isRangeName = (text: string): text is RangeName => Object.hasOwn(RANGES, text);

/**
 * A string in the collector's charset for a label value: each character matched by `invalid` (a
 * global regex of what the collector refuses) becomes `_`, and it is cut to 64 characters. The
 * collector refuses rather than repairs such strings, which would cost the event carrying them
 * (or, for `app` and `release`, the whole beacon).
 */
export const labelValue = (value: string, invalid: RegExp): string =>
  ('' + value).replace(invalid, '_').slice(0, 64) || '_';

/** A cell is printed as is; numbers should be formatted by the caller with `fmt`. */
export type Cell = string | number;

/**
 * A GitHub-flavoured Markdown table. Columns whose header starts with a space are right-aligned,
 * which is how numeric columns are marked.
 */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const head = `| ${headers.map((h) => h.trim()).join(' | ')} |`;
  const align = `|${headers.map((h) => (h.startsWith(' ') ? '---:' : '---')).join('|')}|`;
  const body = rows.map((row) => `| ${row.map(String).join(' | ')} |`);
  return [head, align, ...body].join('\n');
}

/** A number with thousands separators and at most `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A ratio such as `0.42x`. */
export function ratio(value: number, digits = 2): string {
  return Number.isFinite(value) ? `${value.toFixed(digits)}x` : 'n/a';
}

/** "met" or "**missed**", so a missed goal stands out in the rendered report. */
export function verdict(met: boolean): string {
  return met ? 'met' : '**missed**';
}

/** A difference with its sign: `+4.2`, `-1.9`. */
export function signed(value: number, digits = 1): string {
  return `${value >= 0 ? '+' : ''}${fmt(value, digits)}`;
}

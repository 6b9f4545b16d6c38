/**
 * A figure as the dashboard writes it, back to a number in the series' unit, with the rounding
 * the text allows: "850 ms" is 0.85 s ± 0.5 ms, "6.00 s" ± 5 ms, "40%" ± 0.5 %. A dash is null.
 */
export function parseShown(text: string): { value: number; tolerance: number } | null {
  const trimmed = text.trim().replaceAll(',', '');
  if (trimmed === '–') return null;
  const decimals = (digits: string) => (digits.split('.')[1] ?? '').length;
  const patterns: Array<[RegExp, number]> = [
    [/^(-?[\d.]+) ms$/, 1e-3],
    [/^(-?[\d.]+) s$/, 1],
    [/^(-?[\d.]+) MB$/, 1e6],
    [/^(-?[\d.]+)%$/, 1e-2],
    [/^(-?[\d.]+)$/, 1],
  ];
  for (const [pattern, unit] of patterns) {
    const digits = pattern.exec(trimmed)?.[1];
    if (digits === undefined) continue;
    return {
      value: Number(digits) * unit,
      tolerance: 0.5 * 10 ** -decimals(digits) * unit + 1e-12,
    };
  }
  throw new Error(`unexpected figure text: ${JSON.stringify(text)}`);
}

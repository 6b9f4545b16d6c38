/**
 * The q-quantile (0..1) of ascending-sorted values, interpolating linearly between the two
 * nearest ranks (the "type 7" definition of R and NumPy's default). 0 for an empty list.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const below = sorted[lo]!;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return below + (above - below) * (pos - lo);
}

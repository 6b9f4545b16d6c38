/**
 * The error function, by Abramowitz & Stegun, Handbook of Mathematical Functions, formula 7.1.26:
 * erf(x) ≈ 1 − (a1·t + a2·t² + a3·t³ + a4·t⁴ + a5·t⁵)·e^(−x²) with t = 1 / (1 + p·x), x ≥ 0,
 * and erf(−x) = −erf(x). Absolute error at most 1.5e-7 for every x, which is 1.5e-5 score points
 * on the 0..100 scale. This is the approximation Lighthouse's own scoring uses, so Pulse's curves
 * agree with Lighthouse's to that bound. Math has no erf, and six lines do not justify a dependency.
 */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-ax * ax));
}

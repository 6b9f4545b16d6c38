/**
 * The `country` label value of a beacon: an assigned ISO 3166-1 alpha-2 code, upper-cased, or
 * `__unknown__`.
 *
 * The list of assigned codes is the `iso-3166` package's (MIT, no dependencies, kept current with
 * the ISO 3166 Maintenance Agency's changes), not CLDR's region list from `Intl.DisplayNames`:
 * CLDR also names regions that are no countries (`EU`, `EZ`, `UN`, `QO`, `XK`, `ZZ`...), and
 * which of them it knows changes with the ICU Node was built with. A code outside the list
 * (Cloudflare's `XX` for no country and `T1` for Tor, a proxy's `-`, an empty or doubled header)
 * is recorded as `__unknown__`: the page view still counts, without a place.
 */
import { iso31661 } from 'iso-3166/1.js';

/** The label value of page views whose country is not known. */
export const UNKNOWN_COUNTRY = '__unknown__';

const ASSIGNED = new Set(iso31661.map((country) => country.alpha2));

/** Every assigned ISO 3166-1 alpha-2 code, for tests and docs. */
export const ASSIGNED_COUNTRY_CODES: ReadonlySet<string> = ASSIGNED;

/**
 * The country a proxy header names: `raw` upper-cased if it is an assigned code, else
 * `__unknown__`. A header sent twice (an array) names no one country.
 */
export function countryCode(raw: string | readonly string[] | undefined): string {
  if (typeof raw !== 'string' || raw.length !== 2) return UNKNOWN_COUNTRY;
  const code = raw.toUpperCase();
  return ASSIGNED.has(code) ? code : UNKNOWN_COUNTRY;
}

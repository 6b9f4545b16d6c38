import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASSIGNED_COUNTRY_CODES, UNKNOWN_COUNTRY, countryCode } from './countryCode.js';

describe('countryCode', () => {
  it('takes an assigned ISO 3166-1 alpha-2 code, upper-cased', () => {
    expect(countryCode('NL')).toBe('NL');
    expect(countryCode('de')).toBe('DE');
    expect(countryCode('Br')).toBe('BR');
    // Assigned since 2011 and 2010.
    expect(countryCode('SS')).toBe('SS');
    expect(countryCode('BQ')).toBe('BQ');
  });

  it.each([
    ['XX', "Cloudflare's no country"],
    ['T1', "Cloudflare's Tor"],
    ['EU', 'reserved, not a country'],
    ['UK', 'reserved for the United Kingdom, whose code is GB'],
    ['AN', 'Netherlands Antilles, deleted in 2010'],
    ['XK', 'Kosovo: user-assigned, in CLDR but not in ISO 3166-1'],
    ['ZZ', "CLDR's unknown region"],
    ['A1', "MaxMind's anonymous proxy"],
    ['', 'empty'],
    ['N', 'one letter'],
    ['NLD', 'alpha-3'],
    [' NL', 'padded'],
    ['528', 'numeric'],
  ])('records %s (%s) as __unknown__', (raw) => {
    expect(countryCode(raw)).toBe(UNKNOWN_COUNTRY);
  });

  it('takes no header sent twice, nor none', () => {
    expect(countryCode(['NL', 'NL'])).toBe(UNKNOWN_COUNTRY);
    expect(countryCode(undefined)).toBe(UNKNOWN_COUNTRY);
  });

  it('knows the 249 assigned codes', () => {
    expect(ASSIGNED_COUNTRY_CODES.size).toBe(249);
    for (const code of ASSIGNED_COUNTRY_CODES) expect(code).toMatch(/^[A-Z]{2}$/);
  });

  it('gives an assigned code or __unknown__ for anything a client can put in a header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (raw) => {
        const code = countryCode(raw);
        expect(code === UNKNOWN_COUNTRY || ASSIGNED_COUNTRY_CODES.has(code)).toBe(true);
        if (code !== UNKNOWN_COUNTRY) expect(code).toBe(raw.toUpperCase());
      }),
    );
  });
});

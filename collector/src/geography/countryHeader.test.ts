import { describe, expect, it } from 'vitest';
import { countryHeaderProblem, countryReader, type PeerRequest } from './countryHeader.js';

const request = (
  remoteAddress: string | undefined,
  headers: PeerRequest['headers'] = {},
): PeerRequest => ({ headers, socket: { remoteAddress } });

describe('countryReader', () => {
  it('is off without a country header', () => {
    expect(countryReader({ trustProxy: '127.0.0.2' })).toBeUndefined();
  });

  it('believes the header only from a trusted direct peer', () => {
    const countryOf = countryReader({ countryHeader: 'CF-IPCountry', trustProxy: '127.0.0.2' })!;
    expect(countryOf(request('127.0.0.2', { 'cf-ipcountry': 'nl' }))).toBe('NL');
    expect(countryOf(request('127.0.0.1', { 'cf-ipcountry': 'NL' }))).toBe('__unknown__');
    expect(countryOf(request(undefined, { 'cf-ipcountry': 'NL' }))).toBe('__unknown__');
    // A trusted proxy that names no country, or no assigned one.
    expect(countryOf(request('127.0.0.2'))).toBe('__unknown__');
    expect(countryOf(request('127.0.0.2', { 'cf-ipcountry': 'XX' }))).toBe('__unknown__');
  });

  it('reads the socket, never X-Forwarded-For, which any client writes', () => {
    const countryOf = countryReader({ countryHeader: 'cf-ipcountry', trustProxy: '127.0.0.2' })!;
    const spoofed = { 'cf-ipcountry': 'FR', 'x-forwarded-for': '127.0.0.2' };
    expect(countryOf(request('203.0.113.9', spoofed))).toBe('__unknown__');
  });

  it('matches proxies by CIDR and IPv4-mapped addresses as trustProxy does', () => {
    const countryOf = countryReader({
      countryHeader: 'x-country',
      trustProxy: ['10.0.0.0/8', '2001:db8::/32'],
    })!;
    expect(countryOf(request('10.1.2.3', { 'x-country': 'JP' }))).toBe('JP');
    expect(countryOf(request('::ffff:10.1.2.3', { 'x-country': 'JP' }))).toBe('JP');
    expect(countryOf(request('2001:db8::7', { 'x-country': 'JP' }))).toBe('JP');
    expect(countryOf(request('11.1.2.3', { 'x-country': 'JP' }))).toBe('__unknown__');
  });

  it('refuses a header without proxies to believe it from, and names that are not headers', () => {
    expect(countryHeaderProblem({ countryHeader: 'cf-ipcountry', trustProxy: false })).toMatch(
      /--trust-proxy/,
    );
    expect(() => countryReader({ countryHeader: 'cf-ipcountry', trustProxy: false })).toThrow(
      /^countryHeader: the header is believed only from the proxies/,
    );
    expect(() => countryReader({ countryHeader: 'cf ipcountry', trustProxy: '10.0.0.1' })).toThrow(
      /not an HTTP header name/,
    );
    expect(() => countryReader({ countryHeader: 'x-country', trustProxy: true as never })).toThrow(
      /trustProxy/,
    );
    expect(countryHeaderProblem({ trustProxy: false })).toBeUndefined();
  });
});

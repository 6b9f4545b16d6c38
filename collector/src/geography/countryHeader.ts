/**
 * Where a beacon's country comes from: a header that a reverse proxy or CDN in front of the
 * collector sets from the client's address (`CF-IPCountry`, `CloudFront-Viewer-Country`,
 * docs/GEOGRAPHY.md). Anyone can send such a header, so it is believed only from the request's
 * direct peer, the address of the socket itself (never `X-Forwarded-For`, which the client
 * writes too), and only when that peer is one of the `trustProxy` proxies. Every other request
 * is `__unknown__`. The client's address is only compared here, never kept.
 */
import { trustedProxies, type TrustProxy } from '../http/trustProxy.js';
import { UNKNOWN_COUNTRY, countryCode } from './countryCode.js';

export interface CountryHeaderOptions {
  /** The header naming the client's country; geography is off when undefined. */
  countryHeader?: string;
  /** The proxies believed (trustProxy.ts). */
  trustProxy: TrustProxy;
}

/** A request as the reader needs it: its headers, and the socket it came on. */
export interface PeerRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly socket: { readonly remoteAddress?: string };
}

/** An HTTP field name (RFC 9110 `token`), as a JSON schema pattern. */
export const HEADER_NAME_PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";
const FIELD_NAME = new RegExp(HEADER_NAME_PATTERN);

/**
 * What is wrong with a country header setting, or `undefined` when it can be used (also when
 * geography is off, or for values of other types, which a schema reports better).
 */
export function countryHeaderProblem(options: {
  countryHeader?: unknown;
  trustProxy?: unknown;
}): string | undefined {
  const { countryHeader, trustProxy } = options;
  if (typeof countryHeader !== 'string') return undefined;
  if (!FIELD_NAME.test(countryHeader)) return `"${countryHeader}" is not an HTTP header name`;
  if (trustProxy === undefined || trustProxy === false) {
    return (
      'the header is believed only from the proxies that set it: name them with --trust-proxy ' +
      '(the addresses or CIDRs the collector sees them connect from)'
    );
  }
  return undefined;
}

/**
 * The country of a request, or `undefined` when geography is off (no `countryHeader`). Throws
 * for a setting `countryHeaderProblem` refuses, and for a `trustProxy` that trustProxy.ts does.
 */
export function countryReader(
  options: CountryHeaderOptions,
): ((request: PeerRequest) => string) | undefined {
  if (options.countryHeader === undefined) return undefined;
  const problem = countryHeaderProblem(options);
  if (problem !== undefined) throw new Error(`countryHeader: ${problem}`);
  // Node gives header names in lower case.
  const header = options.countryHeader.toLowerCase();
  const trusted = trustedProxies(options.trustProxy);
  return (request) => {
    const peer = request.socket.remoteAddress;
    if (peer === undefined || !trusted(peer)) return UNKNOWN_COUNTRY;
    return countryCode(request.headers[header]);
  };
}

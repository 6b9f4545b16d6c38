/**
 * Which peers may speak for a client through `X-Forwarded-For`. Only named proxies (addresses,
 * CIDRs, or proxy-addr's `loopback`, `linklocal`, `uniquelocal`) are trusted: trusting every peer
 * (`true`) would let any client write the address the per-client rate limit counts, so it is
 * refused rather than warned about.
 *
 * Matching is @fastify/proxy-addr's, the library fastify itself resolves `request.ip` with, so
 * the connection limits and the rate limit agree on who is a proxy.
 */
import proxyAddr from '@fastify/proxy-addr';

/** The proxies whose `X-Forwarded-For` is believed: none (`false`), or addresses and CIDRs. */
export type TrustProxy = false | string | string[];

/** Why `trustProxy: true` is refused, and what to give instead. */
export const TRUST_ANY_PROXY_REFUSED =
  'true would believe X-Forwarded-For from any client, so each client could choose the ' +
  'address its rate limit counts; name the proxies instead, as addresses or CIDRs ' +
  '(e.g. 127.0.0.1 for a proxy on this host, or 10.0.0.0/8)';

/** The entries of a trust-proxy setting; a string may list several, comma-separated. */
const entries = (trustProxy: string | string[]): string[] =>
  (typeof trustProxy === 'string' ? trustProxy.split(',') : trustProxy)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/**
 * What is wrong with a trust-proxy setting, or `undefined` when it can be used (also for values
 * of other types, which a schema reports better).
 */
export function trustProxyProblem(trustProxy: unknown): string | undefined {
  if (trustProxy === true) return TRUST_ANY_PROXY_REFUSED;
  const isList =
    Array.isArray(trustProxy) && trustProxy.every((entry) => typeof entry === 'string');
  if (typeof trustProxy !== 'string' && !isList) return undefined;
  try {
    proxyAddr.compile(entries(trustProxy as string | string[]));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `trustProxy` once checked: throws for `true` and for entries that are not addresses or CIDRs. */
export function checkedTrustProxy(trustProxy: TrustProxy): TrustProxy {
  const problem = trustProxyProblem(trustProxy);
  if (problem !== undefined) throw new Error(`trustProxy: ${problem}`);
  return trustProxy;
}

/** A test of whether a peer address is a trusted proxy; throws as `checkedTrustProxy` does. */
export function trustedProxies(trustProxy: TrustProxy): (address: string) => boolean {
  const checked = checkedTrustProxy(trustProxy);
  if (checked === false) return () => false;
  const trusted = proxyAddr.compile(entries(checked));
  return (address) => trusted(address, 0);
}

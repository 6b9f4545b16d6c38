import { describe, expect, it } from 'vitest';
import { createCollector } from '../server.js';
import {
  TRUST_ANY_PROXY_REFUSED,
  checkedTrustProxy,
  trustProxyProblem,
  trustedProxies,
  type TrustProxy,
} from './trustProxy.js';

describe('trusted proxies', () => {
  it('refuses trusting every peer, naming what to give instead', () => {
    expect(trustProxyProblem(true)).toBe(TRUST_ANY_PROXY_REFUSED);
    expect(TRUST_ANY_PROXY_REFUSED).toMatch(/addresses or CIDRs.*127\.0\.0\.1.*10\.0\.0\.0\/8/);
    expect(() => checkedTrustProxy(true as unknown as TrustProxy)).toThrow(/^trustProxy: true/);
  });

  it('refuses entries that are not addresses or CIDRs', () => {
    expect(trustProxyProblem('10.0.0.1,proxy.example')).toMatch(/proxy\.example/);
    expect(trustProxyProblem(['10.0.0.0/33'])).toBeDefined();
  });

  it('accepts none, addresses, CIDRs and named ranges', () => {
    for (const value of [false, '127.0.0.1', '10.0.0.0/8, ::1', ['loopback', '192.168.0.0/16']]) {
      expect(trustProxyProblem(value)).toBeUndefined();
    }
  });

  it('matches peers against the list, IPv4-mapped IPv6 included', () => {
    const trusted = trustedProxies('10.0.0.0/8, 192.168.1.7');
    expect(['10.1.2.3', '192.168.1.7', '::ffff:10.9.9.9'].map(trusted)).toEqual([true, true, true]);
    expect(['11.0.0.1', '192.168.1.8', '::1'].map(trusted)).toEqual([false, false, false]);
    expect(trustedProxies(false)('127.0.0.1')).toBe(false);
    expect(trustedProxies(['loopback'])('127.0.0.1')).toBe(true);
  });

  it('is checked by createCollector, which refuses true', async () => {
    await expect(
      createCollector({ processMetrics: false, trustProxy: true as unknown as TrustProxy }),
    ).rejects.toThrow(/trustProxy: true would believe X-Forwarded-For from any client/);
  });
});

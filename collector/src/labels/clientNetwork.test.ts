import { describe, expect, it } from 'vitest';
import { clientNetwork } from './clientNetwork.js';

describe('clientNetwork', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['not an address', 'unknown'],
  ])('%s → %s', (address, network) => {
    expect(clientNetwork(address)).toBe(network);
  });

  it('puts every address of one /64 in one network and neighbouring /64s apart', () => {
    const inside = ['2001:db8:a:b::1', '2001:db8:a:b:ffff:ffff:ffff:ffff', '2001:db8:a:b:1::'];
    expect(new Set(inside.map(clientNetwork)).size).toBe(1);
    expect(clientNetwork('2001:db8:a:c::1')).not.toBe(clientNetwork('2001:db8:a:b::1'));
  });
});

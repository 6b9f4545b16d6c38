import { describe, expect, it, vi } from 'vitest';
import type { PulseClient } from '@pulse/sdk';
import { createDeferredClient } from './deferredClient.js';
import { inertClient } from './inertClient.js';

describe('createDeferredClient', () => {
  it('replays a consent answer given before start, in order with the calls around it', () => {
    const calls: string[] = [];
    const sdkClient: PulseClient = {
      ...inertClient,
      track: (name) => void calls.push(`track ${name}`),
      consent: (granted) => void calls.push(`consent ${granted}`),
      sampled: true,
    };
    const init = vi.fn(() => sdkClient);
    const client = createDeferredClient({ app: 'shop', consent: 'pending' }, init);
    client.track('before');
    client.consent(true);
    expect(calls).toEqual([]);
    client.start();
    client.consent(false);
    expect(init).toHaveBeenCalledWith(expect.objectContaining({ consent: 'pending' }));
    expect(calls).toEqual(['track before', 'consent true', 'consent false']);
  });

  it('the inert client takes consent too, and does nothing with it', () => {
    expect(() => inertClient.consent(true)).not.toThrow();
  });
});

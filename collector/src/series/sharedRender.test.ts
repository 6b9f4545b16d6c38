import { describe, expect, it } from 'vitest';
import { sharedRender } from './sharedRender.js';

describe('sharedRender', () => {
  it('shares a render in flight and a finished one younger than the max age', async () => {
    let clock = 0;
    let renders = 0;
    const shared = sharedRender(
      async () => ++renders,
      1000,
      () => clock,
    );
    const together = await Promise.all([shared.get(), shared.get(), shared.get()]);
    expect(together).toEqual([1, 1, 1]);
    clock = 999;
    expect(await shared.get()).toBe(1);
    clock = 1000;
    expect(await shared.get()).toBe(2);
    expect(renders).toBe(2);
  });

  it('does not keep a failed render', async () => {
    let fail = true;
    const shared = sharedRender(
      async () => {
        if (fail) throw new Error('render failed');
        return 'text';
      },
      1000,
      () => 0,
    );
    await expect(shared.get()).rejects.toThrow('render failed');
    fail = false;
    expect(await shared.get()).toBe('text');
  });

  it('renews on demand, and shares the renewed render with later scrapes', async () => {
    let renders = 0;
    const shared = sharedRender(
      async () => ++renders,
      1000,
      () => 0,
    );
    expect(await shared.get()).toBe(1);
    expect(await shared.renew()).toBe(2);
    expect(await shared.get()).toBe(2);
    expect(renders).toBe(2);
  });
});

import { describe, expect, it, vi } from 'vitest';
import type { PulseClient } from '../types.js';
import { captureError, errorEvent } from './errors.js';

const thrown = (message: string) => {
  try {
    throw new TypeError(message);
  } catch (error) {
    return error as Error;
  }
};

describe('errorEvent', () => {
  it('gives a short fingerprint that groups the same error from the same place', () => {
    const events = [1, 2].map((n) => errorEvent(thrown(`no order ${n}`), 'error'));
    expect(events[0]!.fp).toBe(events[1]!.fp);
    expect(events[0]!.fp).toMatch(/^-?[a-z0-9]{1,7}$/);
    expect(events[0]).toMatchObject({ k: 'error', kind: 'error', msg: 'no order 1' });
  });

  it('tells errors apart by name, message and top frame', () => {
    const base = errorEvent(thrown('boom'), 'error').fp;
    expect(errorEvent(new RangeError('boom'), 'error').fp).not.toBe(base);
    expect(errorEvent(thrown('bang'), 'error').fp).not.toBe(base);
    const elsewhere = new TypeError('boom');
    elsewhere.stack = 'TypeError: boom\n    at other (https://app.example/x.js:9:9)';
    expect(errorEvent(elsewhere, 'error').fp).not.toBe(base);
  });

  it('accepts anything a promise can be rejected with', () => {
    for (const reason of ['text', 42, null, undefined, { code: 7 }])
      expect(errorEvent(reason, 'rejection')).toMatchObject({ k: 'error', kind: 'rejection' });
    expect(errorEvent('text', 'rejection').msg).toBe('text');
  });

  it('never gives a fingerprint with a minus sign, whatever the stack paths hash to', () => {
    // Half of all 32-bit hashes are negative when read as signed; the stack's file paths decide
    // which, so the same error could fingerprint differently per deployment path.
    const fingerprints = Array.from({ length: 500 }, (_, i) => {
      const error = new TypeError(`broken ${'x'.repeat(i)}`);
      error.stack = `TypeError: broken\n    at f (https://shop.example/assets/app-${i}.js:1:${i})`;
      return errorEvent(error, 'error').fp;
    });
    for (const fp of fingerprints) expect(fp).toMatch(/^[0-9a-z]{1,7}$/);
    expect(new Set(fingerprints).size).toBeGreaterThan(490);
  });

  it('cuts messages at 200 characters', () => {
    expect(errorEvent(new Error('x'.repeat(500)), 'error').msg).toHaveLength(200);
  });
});

describe('captureError', () => {
  it('records the error through the client, as a react error by default', () => {
    const record = vi.fn();
    captureError({ record } as unknown as PulseClient, new Error('render failed'));
    expect(record).toHaveBeenCalledWith(
      expect.objectContaining({ k: 'error', kind: 'react', msg: 'render failed' }),
    );
  });

  it('never throws, even when the client does', () => {
    const record = () => {
      throw new Error('broken');
    };
    expect(() => captureError({ record } as unknown as PulseClient, 'x')).not.toThrow();
  });
});

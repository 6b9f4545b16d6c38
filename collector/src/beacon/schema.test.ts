import { describe, expect, it } from 'vitest';
import { BeaconEnvelopeSchema, BeaconSchema } from './schema.js';

/** Every object schema inside `schema`, with its path. */
function objectSchemas(schema: unknown, path = '#'): [string, Record<string, unknown>][] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const own: [string, Record<string, unknown>][] = node.type === 'object' ? [[path, node]] : [];
  return own.concat(
    Object.entries(node).flatMap(([key, child]) => objectSchemas(child, `${path}/${key}`)),
  );
}

describe('beacon schema', () => {
  // The beacon parser is plain JSON.parse (beaconJson.ts): `__proto__` and `constructor` keys are
  // refused only because no object of the beacon accepts a field it does not name.
  it.each([
    ['BeaconSchema', BeaconSchema],
    ['BeaconEnvelopeSchema', BeaconEnvelopeSchema],
  ])('%s closes every object it describes', (_name, schema) => {
    const objects = objectSchemas(schema);
    expect(objects.length).toBeGreaterThan(0);
    for (const [path, object] of objects) {
      expect({ path, additionalProperties: object.additionalProperties }).toEqual({
        path,
        additionalProperties: false,
      });
    }
  });
});

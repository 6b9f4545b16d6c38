import { describe, expect, it } from 'vitest';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { exampleEvents, exampleLoaf } from './exampleBeacons.js';
import {
  BeaconEnvelopeSchema,
  BeaconSchema,
  LongTaskEventSchema,
  PageEventSchema,
  SCRIPT_INVOKERS,
} from './schema.js';

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

describe('diagnosis fields', () => {
  const page = TypeCompiler.Compile(PageEventSchema);
  const long = TypeCompiler.Compile(LongTaskEventSchema);
  const { LCP, INP } = exampleEvents.page.vitals;
  const withPhases = (ph: unknown) => ({
    ...exampleEvents.page,
    vitals: { ...exampleEvents.page.vitals, LCP: { ...LCP, ph } },
  });
  const withScripts = (s: unknown) => ({ ...exampleLoaf, s });
  const script = exampleLoaf.s![0]!;

  it('has example phases that add up to their values', () => {
    for (const vital of [LCP!, INP!]) {
      expect(vital.ph!.reduce((sum, part) => sum + part)).toBe(vital.value);
    }
    expect(page.Check(exampleEvents.page)).toBe(true);
  });

  it('accepts 3 or 4 phases of durations, and refuses other counts and values', () => {
    expect(page.Check(withPhases([10, 20, 30]))).toBe(true);
    expect(page.Check(withPhases([0, 0, 0, 2140.5]))).toBe(true);
    for (const bad of [[], [1, 2], [1, 2, 3, 4, 5], [1, -1, 2], [1, 2, 3_600_001], [1, '2', 3]]) {
      expect(page.Check(withPhases(bad)), JSON.stringify(bad)).toBe(false);
    }
  });

  it('accepts a loaf with up to 3 scripts, of every invoker', () => {
    expect(long.Check(exampleLoaf)).toBe(true);
    expect(long.Check(withScripts([]))).toBe(true);
    for (const i of SCRIPT_INVOKERS)
      expect(long.Check(withScripts([{ ...script, i }])), i).toBe(true);
    expect(long.Check(withScripts([script, script, script, script]))).toBe(false);
  });

  it('takes script addresses with origin and path, or inline', () => {
    for (const u of [
      'inline',
      'https://cdn.example.com/v2/app.min.js',
      'chrome-extension://abcdefgh/content.js',
      'http://[::1]:8080/a;b=c/%E2%98%83.js',
      'data:',
    ]) {
      expect(long.Check(withScripts([{ ...script, u }])), u).toBe(true);
    }
  });

  it('refuses queries, fragments, quotes, whitespace, braces, backslashes and controls in addresses', () => {
    for (const u of [
      '',
      'https://a.example/app.js?token=1',
      'https://a.example/app.js#x',
      'https://a.example/a"b.js',
      "https://a.example/a'b.js",
      'https://a.example/a b.js',
      'https://a.example/a{x="y"}.js',
      'https://a.example/a\\b.js',
      'https://a.example/a\nb.js',
      'https://a.example/a\u0000b.js',
      'x'.repeat(201),
    ]) {
      expect(long.Check(withScripts([{ ...script, u }])), JSON.stringify(u)).toBe(false);
    }
  });

  it('refuses unknown invokers, bad durations and unknown fields in a script', () => {
    for (const bad of [
      { ...script, i: 'eval' },
      { ...script, d: -1 },
      { ...script, d: 3_600_001 },
      { ...script, name: 'x' },
      { u: script.u, i: script.i },
    ]) {
      expect(long.Check(withScripts([bad])), JSON.stringify(bad)).toBe(false);
    }
  });
});

/**
 * docs/PROTOCOL.md is executable: every ```json block in it must be a valid beacon (if it has
 * `v`) or a valid event, and breaking any of them in the ways attackers and bugs do must make it
 * invalid. So the document cannot drift from the schema.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { BeaconSchema, PulseEventSchema } from './schema.js';

const doc = readFileSync(
  fileURLToPath(new URL('../../../docs/PROTOCOL.md', import.meta.url)),
  'utf8',
);
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((match, index) => ({
  index,
  text: match[1]!,
  value: JSON.parse(match[1]!) as Record<string, unknown>,
}));

const beacon = TypeCompiler.Compile(BeaconSchema);
const event = TypeCompiler.Compile(PulseEventSchema);
const accepts = (value: unknown) =>
  typeof value === 'object' && value !== null && 'v' in value
    ? beacon.Check(value)
    : event.Check(value);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a leaf of `value`, with the leaf. */
function leaves(value: Json, path: (string | number)[] = []): [(string | number)[], Json][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  }
  return [[path, value]];
}

function withLeaf(value: Json, path: (string | number)[], leaf: Json): Json {
  const copy = structuredClone(value) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path.at(-1)!] = leaf;
  return copy;
}

/** Strings that become labels or ids; free text (attribution, messages) may hold anything. */
const LABEL_KEYS = new Set([
  'app',
  'release',
  'session',
  'page',
  'route',
  'name',
  'fp',
  'key',
  'u',
]);

describe('docs/PROTOCOL.md examples', () => {
  it('has an example for the beacon and every event kind', () => {
    const kinds = new Set(
      examples.flatMap(({ value }) =>
        'v' in value ? (value.events as { k: string }[]).map((item) => item.k) : [String(value.k)],
      ),
    );
    expect([...kinds].sort()).toEqual([
      'error',
      'event',
      'long',
      'page',
      'socket',
      'timing',
      'view',
      'webrtc',
    ]);
    expect(examples.some(({ value }) => 'v' in value)).toBe(true);
  });

  it.each(examples)('accepts example $index', ({ value }) => {
    expect(accepts(value), JSON.stringify(value)).toBe(true);
  });

  it.each(examples)('refuses an unknown field added to example $index', ({ value }) => {
    expect(accepts({ ...value, unknown: 1 })).toBe(false);
  });

  it.each(examples)(
    'refuses negative, infinite (JSON 1e999) and wrongly typed numbers in example $index',
    ({ value }) => {
      const numbers = leaves(value as Json).filter(([, leaf]) => typeof leaf === 'number');
      for (const [path] of numbers) {
        for (const bad of [-1, Infinity, '1', null]) {
          expect(
            accepts(withLeaf(value as Json, path, bad)),
            `${path.join('.')} = ${String(bad)}`,
          ).toBe(false);
        }
      }
    },
  );

  it.each(examples)('refuses label injection in the labels of example $index', ({ value }) => {
    const labels = leaves(value as Json).filter(
      ([path, leaf]) => typeof leaf === 'string' && LABEL_KEYS.has(String(path.at(-1))),
    );
    for (const [path, leaf] of labels) {
      for (const suffix of ['"}', '\n', '{x="y"}', '\\', '\u0000']) {
        const broken = withLeaf(value as Json, path, `${String(leaf)}${suffix}`);
        expect(accepts(broken), `${path.join('.')} + ${JSON.stringify(suffix)}`).toBe(false);
      }
    }
  });

  it.each(examples)('refuses example $index without a required field', ({ value }) => {
    const { ['v' in value ? 'route' : 'k']: _removed, ...rest } = value;
    expect(accepts(rest)).toBe(false);
  });
});

/**
 * fast-check generators of beacons: valid ones pushed to the edges of the schema (longest
 * strings, largest numbers, every optional field present or absent), events broken in ways that
 * are certain to be invalid, and bodies that are not beacons at all. Lengths, ranges and
 * charsets are read from the collector's own schema, so the generators follow it when it changes.
 */
import fc from 'fast-check';
import { BeaconSchema, PulseEventSchema, PROTOCOL_VERSION } from '@pulse/collector';
import type { Beacon, PulseEvent } from '@pulse/collector';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Strings of `chars`, biased towards the longest allowed (`size: 'max'`). */
const stringOf = (chars: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength, size: 'max' });

/** Like `stringOf`, but mostly short: label values an attacker varies rather than lengthens. */
export const shortStringOf = (chars: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });

const beaconProps = BeaconSchema.properties;
const eventSchemas = Object.fromEntries(
  PulseEventSchema.anyOf.map((schema) => [schema.properties.k.const, schema.properties]),
) as unknown as Record<PulseEvent['k'], Record<string, { maxLength?: number; maximum?: number }>>;
const maxLength = (schema: { maxLength?: number }) => schema.maxLength!;
const maximum = (schema: { maximum?: number }) => schema.maximum!;

/** The charsets of docs/PROTOCOL.md; `schemaCharsets.test` checks them against the schema. */
export const CHARSETS = {
  app: `${ALNUM}_.-`,
  release: `${ALNUM}_.+-`,
  id: `${ALNUM}_-`,
  route: `${ALNUM}/_.:~@!$&'()*+,;=%[]|^-`,
  name: `${ALNUM}_.:/ -`,
};

export const appArb = fc
  .tuple(fc.constantFrom(...ALNUM), stringOf(CHARSETS.app, 0, maxLength(beaconProps.app) - 1))
  .map(([first, rest]) => first + rest);
const idArb = (max: number) => stringOf(CHARSETS.id, 1, max);
export const routeArb = stringOf(CHARSETS.route, 1, maxLength(beaconProps.route));
export const nameArb = stringOf(CHARSETS.name, 1, maxLength(eventSchemas.event.name!));

/** Any text: free-text fields (attribution, messages) may hold anything up to their length. */
const textArb = (max: number) =>
  fc.string({ unit: 'binary', maxLength: max, size: 'max' }).map((text) => text.slice(0, max));

/** A number in [0, max], with the edges (0, max, the smallest double) often. */
const amount = (max: number) =>
  fc.oneof(
    fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true }).map((x) => Math.abs(x)),
    fc.constantFrom(0, max, Number.MIN_VALUE),
  );
const count = (max: number) =>
  fc.oneof(
    fc.nat({ max: Math.min(max, 0x7fffffff) }),
    fc.constantFrom(0, max),
    fc.double({ min: 0, max, noNaN: true }).map((x) => Math.floor(Math.abs(x))),
  );

const rating = fc.constantFrom('good', 'needs-improvement', 'poor') as fc.Arbitrary<
  'good' | 'needs-improvement' | 'poor'
>;
const vital = (max: number) =>
  fc.record(
    {
      value: amount(max),
      rating,
      target: textArb(100),
      type: stringOf('abcdefghijklmnopqrstuvwxyz', 1, 32),
    },
    { requiredKeys: ['value', 'rating'] },
  );

const MAX_MS = maximum(eventSchemas.long.d!);

/** One valid event of each kind, values anywhere in their ranges. */
export const validEventArb: fc.Arbitrary<PulseEvent> = fc.oneof(
  fc.constant({ k: 'view' as const }),
  fc.record(
    {
      k: fc.constant('page' as const),
      vitals: fc.record(
        {
          LCP: vital(MAX_MS),
          INP: vital(MAX_MS),
          CLS: vital(100),
          FCP: vital(MAX_MS),
          TTFB: vital(MAX_MS),
        },
        { requiredKeys: [] },
      ),
      tbt: amount(MAX_MS),
      heap: count(2 ** 40),
    },
    { requiredKeys: ['k', 'vitals', 'tbt'] },
  ),
  fc.record({
    k: fc.constant('long' as const),
    kind: fc.constantFrom('longtask' as const, 'loaf' as const),
    d: amount(MAX_MS),
  }),
  fc.record(
    {
      k: fc.constant('error' as const),
      kind: fc.constantFrom('error' as const, 'rejection' as const, 'react' as const),
      fp: idArb(32),
      msg: textArb(200),
    },
    { requiredKeys: ['k', 'kind', 'fp'] },
  ),
  fc.record(
    { k: fc.constant('event' as const), name: nameArb, value: amount(1e9) },
    { requiredKeys: ['k', 'name'] },
  ),
  fc.record({ k: fc.constant('timing' as const), name: nameArb, d: amount(MAX_MS) }),
  fc
    .record(
      {
        k: fc.constant('socket' as const),
        transport: fc.constantFrom('websocket' as const, 'polling' as const),
        probes: count(1_000_000),
        lost: count(1_000_000),
        rtt: amount(MAX_MS),
        p50: amount(MAX_MS),
        p95: amount(MAX_MS),
        jitter: amount(MAX_MS),
        loss: amount(1),
        connectMs: amount(MAX_MS),
        reconnects: count(1_000_000),
        disconnects: fc.array(
          fc.constantFrom(
            'io server disconnect' as const,
            'io client disconnect' as const,
            'ping timeout' as const,
            'transport close' as const,
            'transport error' as const,
            'parse error' as const,
            'other' as const,
          ),
          { maxLength: 20 },
        ),
        upgrades: count(1_000_000),
        msgIn: count(1e9),
        msgOut: count(1e9),
      },
      { requiredKeys: ['k', 'transport', 'probes', 'lost', 'rtt', 'p50', 'p95', 'jitter', 'loss'] },
    )
    .map((event) => ({
      reconnects: 0,
      disconnects: [],
      upgrades: 0,
      msgIn: 0,
      msgOut: 0,
      ...event,
    })),
  fc.record(
    {
      k: fc.constant('webrtc' as const),
      rtt: amount(MAX_MS),
      cand: fc.constantFrom('host' as const, 'srflx' as const, 'prflx' as const, 'relay' as const),
      bw: amount(1e12),
      audio: fc.record(
        {
          in: fc.record({ jitter: amount(MAX_MS), packets: count(1e7), lost: count(1e7) }),
          conceal: amount(1),
        },
        { requiredKeys: [] },
      ),
      video: fc.record(
        { out: fc.record({ packets: count(1e7), lost: count(1e7) }), fps: amount(1000) },
        { requiredKeys: [] },
      ),
      states: fc.array(
        fc.constantFrom('connecting' as const, 'connected' as const, 'failed' as const),
        { maxLength: 10 },
      ),
    },
    { requiredKeys: ['k', 'states'] },
  ),
);

/** Values that are wrong wherever a number or a label string is expected. */
const badValue = fc.constantFrom<unknown>(
  -1,
  -Number.MIN_VALUE,
  1e308,
  // A number as a string, with a space no label charset allows.
  ' 1',
  null,
  true,
  [],
  {},
  'x"} evil{a="1',
  'line\nbreak',
);

/**
 * An event that is certainly invalid: every mutation below breaks a rule no valid event can
 * satisfy (strict objects, known kinds, required fields, minimum 0, finite maxima, charsets).
 */
export const invalidEventArb: fc.Arbitrary<unknown> = fc.oneof(
  // An unknown field: every event schema is strict.
  // (`__proto__` and `constructor` keys are refused earlier, by the JSON parser, for the whole
  // body: that is the malformed-body property's business.)
  fc
    .tuple(
      validEventArb,
      fc.string({ minLength: 1 }).filter((key) => !['k', '__proto__', 'constructor'].includes(key)),
    )
    .map(([event, key]) => (key in event ? { ...event, [`${key}_`]: 1 } : { ...event, [key]: 1 })),
  // An unknown kind.
  validEventArb.map((event) => ({ ...event, k: `${event.k}2` })),
  // A missing kind.
  validEventArb.map(({ k: _k, ...rest }) => rest),
  // A required field removed (kinds that have one besides `k`).
  validEventArb
    .filter((event) => event.k !== 'view')
    .map((event) => {
      const required: Record<Exclude<PulseEvent['k'], 'view'>, string> = {
        page: 'vitals',
        long: 'd',
        error: 'fp',
        event: 'name',
        timing: 'd',
        socket: 'rtt',
        webrtc: 'states',
      };
      const { [required[event.k as Exclude<PulseEvent['k'], 'view'>]]: _gone, ...rest } =
        event as unknown as Record<string, unknown>;
      return rest;
    }),
  // A number out of range or of the wrong type.
  fc
    .tuple(
      fc.constantFrom(
        { k: 'long', kind: 'loaf', field: 'd' },
        { k: 'timing', name: 't', field: 'd' },
        { k: 'page', vitals: {}, field: 'tbt' },
        { k: 'event', name: 'e', field: 'value' },
      ),
      fc.oneof(
        fc.constantFrom<unknown>(-1, 1e308, '5', null, true, [1]),
        fc.double({ max: -Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }),
      ),
    )
    .map(([{ field, ...event }, value]) => ({ ...event, [field]: value })),
  // Label injection and other strings outside a name's charset.
  fc
    .tuple(nameArb, fc.constantFrom('"}', '{', '\\', '\n', '\u0000', '\u00e9', '#', '\t'))
    .map(([name, bad]) => ({ k: 'event', name: `${name.slice(0, 60)}${bad}` })),
  // A name too long, or empty.
  fc.constantFrom({ k: 'timing', name: 'n'.repeat(65), d: 1 }, { k: 'event', name: '' }),
  // Not an object with a kind at all.
  fc
    .oneof(fc.jsonValue(), badValue)
    .filter(
      (value) =>
        typeof value !== 'object' ||
        value === null ||
        Array.isArray(value) ||
        !('k' in value) ||
        typeof value.k !== 'string' ||
        !['view', 'page', 'long', 'error', 'event', 'timing', 'socket', 'webrtc'].includes(value.k),
    ),
);

/** A valid beacon envelope (no events yet), optional fields present or absent. */
export const envelopeArb: fc.Arbitrary<Omit<Beacon, 'events'>> = fc.record(
  {
    v: fc.constant(PROTOCOL_VERSION),
    app: appArb,
    release: stringOf(CHARSETS.release, 1, maxLength(beaconProps.release)),
    session: idArb(maxLength(beaconProps.session)),
    page: idArb(maxLength(beaconProps.page)),
    route: routeArb,
    nav: fc.constantFrom(
      'navigate' as const,
      'reload' as const,
      'back-forward' as const,
      'back-forward-cache' as const,
      'prerender' as const,
      'soft' as const,
    ),
    device: fc.constantFrom('mobile' as const, 'tablet' as const, 'desktop' as const),
    ect: fc.constantFrom('slow-2g' as const, '2g' as const, '3g' as const, '4g' as const),
    dropped: count(1e9),
  },
  { requiredKeys: ['v', 'app', 'session', 'page', 'route', 'nav', 'device'] },
);

/** An envelope broken in one field: a value of the wrong type, range or charset, or an extra key. */
export const brokenEnvelopeArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc
    .tuple(
      envelopeArb,
      fc.constantFrom('app', 'release', 'session', 'page', 'route', 'nav', 'device', 'dropped'),
      badValue,
    )
    .map(([envelope, key, value]) => ({ ...envelope, [key]: value })),
  envelopeArb.map((envelope) => ({ ...envelope, extra: 1 })),
  envelopeArb.map(({ route: _route, ...rest }) => rest),
  envelopeArb.map((envelope) => ({ ...envelope, app: `_${envelope.app.slice(1)}` })),
  envelopeArb.map((envelope) => ({ ...envelope, route: `${envelope.route.slice(0, 190)}?q=1` })),
);

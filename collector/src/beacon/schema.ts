/**
 * The JSON schema of a beacon, written with TypeBox so the same object is both a runtime
 * validator and a static type. The static type is asserted equal to the SDK's wire types
 * (sdk/src/protocol.ts) at the bottom of this file: if either side changes alone, the build fails.
 *
 * The schema is deliberately strict, because everything a beacon carries can end up as a
 * Prometheus label or in a dashboard:
 * - `additionalProperties: false` everywhere: unknown fields are rejected, not silently stripped.
 * - Every number has `minimum: 0` and a finite `maximum` (`1e999` parses to Infinity and fails).
 * - Strings that become labels or identifiers are restricted to a safe charset, so `"`, `{`, `}`,
 *   `\`, whitespace, newlines and control characters (label and log injection) never get in.
 */
import { Type, type Static, type TNumber } from '@sinclair/typebox';
import {
  ACCEPTED_PROTOCOL_VERSIONS,
  APP_PATTERN,
  MAX_DELIVERY_SAMPLES,
  MAX_MESSAGE_EVENTS,
  PEER_STATES,
  SCRIPT_INVOKER_TYPES,
  SCRIPT_URL_CHARS,
  type Beacon,
  type PulseEvent,
} from '@pulse/sdk/protocol';

/** Longest duration accepted, in ms: an hour. Real vitals and tasks are far below. */
export const MAX_DURATION_MS = 3_600_000;

/**
 * Route templates and normalised paths: the characters a browser leaves unescaped in
 * `location.pathname` (RFC 3986 path characters, `[]`, `|`, `^`), minus `?` and `#` (queries and
 * fragments never leave the page). Quotes, braces, backslashes, whitespace and controls are out.
 */
export const ROUTE_PATTERN = "^[A-Za-z0-9/_.:~@!$&'()*+,;=%\\[\\]|^-]+$";
/**
 * Custom event and timing names (`checkout`, `search-results`, `cart:add`, `Order Completed`):
 * letters, digits, `_ . : / -` and the plain space; no other whitespace.
 */
export const NAME_PATTERN = '^[A-Za-z0-9_.:/ -]+$';
/** Release strings, semver with build metadata included (`1.4.2+abc123`). */
export const RELEASE_PATTERN = '^[A-Za-z0-9_.+-]+$';
/** Random ids and fingerprints: base64url / hex / base36 alphabets. */
export const ID_PATTERN = '^[A-Za-z0-9_-]+$';
/** Ingest keys: printable ASCII without spaces. */
export const KEY_PATTERN = '^[\\x21-\\x7e]+$';
/**
 * Addresses of blocking scripts (origin and path, or `inline`), labels of their own: the charset
 * the SDK escapes to (`SCRIPT_URL_CHARS`), which has no `?`, `#`, quotes, whitespace, backslash,
 * braces or controls.
 */
export const SCRIPT_URL_PATTERN = `^[${SCRIPT_URL_CHARS}]+$`;

const strict = { additionalProperties: false } as const;

const duration = (description: string) =>
  Type.Number({ minimum: 0, maximum: MAX_DURATION_MS, description });
const count = (maximum: number, description: string) =>
  Type.Integer({ minimum: 0, maximum, description });

/** A union of string literals, and the list of its words in schema order. */
const words = <const W extends readonly string[]>(...values: W) => ({
  schema: Type.Union(values.map((value) => Type.Literal(value as W[number]))),
  values,
});

const Ratings = words('good', 'needs-improvement', 'poor');
const LongTaskKinds = words('longtask', 'loaf');
const ErrorKinds = words('error', 'rejection', 'react');
const NavigationTypes = words(
  'navigate',
  'reload',
  'back-forward',
  'back-forward-cache',
  'prerender',
  'soft',
);
const DeviceClasses = words('mobile', 'tablet', 'desktop');
const Engines = words('chromium', 'firefox', 'webkit', 'other');
const ScriptInvokers = words(...SCRIPT_INVOKER_TYPES, 'other');
const CandidateTypes = words('host', 'srflx', 'prflx', 'relay');
const PeerStates = words(...PEER_STATES);

/** Every rating a vital may carry, in schema order. */
export const RATINGS = Ratings.values;
/** Every kind of long task event, in schema order. */
export const LONG_TASK_KINDS = LongTaskKinds.values;
/** Every kind of error event, in schema order. */
export const ERROR_KINDS = ErrorKinds.values;
/** Every navigation type a beacon may carry, in schema order. */
export const NAVIGATION_TYPES = NavigationTypes.values;
/** Every device class a beacon may carry, in schema order. */
export const DEVICE_CLASSES = DeviceClasses.values;
/** Every browser engine, in schema order. */
export const ENGINES = Engines.values;
/** Every invoker a blocking script may carry, in schema order. */
export const SCRIPT_INVOKERS = ScriptInvokers.values;
/** Every ICE candidate type a WebRTC window may name, in schema order. */
export const CANDIDATE_TYPES = CandidateTypes.values;
/** Every ICE or connection state a WebRTC window may carry, in schema order. */
export const PEER_STATE_NAMES = PeerStates.values;

/** A vital in ms (LCP, INP, FCP, TTFB) or CLS (unitless, at most 100). */
const vitalValue = (value: TNumber) =>
  Type.Object(
    {
      value,
      rating: Ratings.schema,
      target: Type.Optional(Type.String({ maxLength: 100 })),
      type: Type.Optional(Type.String({ maxLength: 32, pattern: '^[a-z]+$' })),
      // LCP's 4 phases or INP's 3, adding up to `value` (the SDK makes sure; not checked here).
      ph: Type.Optional(Type.Array(duration('phase, ms'), { minItems: 3, maxItems: 4 })),
    },
    strict,
  );
const msVital = vitalValue(duration('milliseconds'));

export const ViewEventSchema = Type.Object({ k: Type.Literal('view') }, strict);

export const PageEventSchema = Type.Object(
  {
    k: Type.Literal('page'),
    vitals: Type.Object(
      {
        LCP: Type.Optional(msVital),
        INP: Type.Optional(msVital),
        CLS: Type.Optional(vitalValue(Type.Number({ minimum: 0, maximum: 100 }))),
        FCP: Type.Optional(msVital),
        TTFB: Type.Optional(msVital),
      },
      strict,
    ),
    tbt: Type.Optional(duration('total blocking time, ms; absent where not measured')),
    heap: Type.Optional(count(2 ** 40, 'used JS heap, bytes')),
  },
  strict,
);

export const LongTaskEventSchema = Type.Object(
  {
    k: Type.Literal('long'),
    kind: LongTaskKinds.schema,
    d: duration('duration, ms'),
    s: Type.Optional(
      Type.Array(
        Type.Object(
          {
            u: Type.String({ minLength: 1, maxLength: 200, pattern: SCRIPT_URL_PATTERN }),
            i: ScriptInvokers.schema,
            d: duration('script duration, ms'),
          },
          strict,
        ),
        { maxItems: 3 },
      ),
    ),
  },
  strict,
);

export const ErrorEventSchema = Type.Object(
  {
    k: Type.Literal('error'),
    kind: ErrorKinds.schema,
    fp: Type.String({ minLength: 1, maxLength: 32, pattern: ID_PATTERN }),
    msg: Type.Optional(Type.String({ maxLength: 200 })),
  },
  strict,
);

const NameSchema = Type.String({ minLength: 1, maxLength: 64, pattern: NAME_PATTERN });

export const CustomEventSchema = Type.Object(
  {
    k: Type.Literal('event'),
    name: NameSchema,
    value: Type.Optional(Type.Number({ minimum: 0, maximum: 1e9 })),
  },
  strict,
);

export const TimingEventSchema = Type.Object(
  { k: Type.Literal('timing'), name: NameSchema, d: duration('duration, ms') },
  strict,
);

export const SocketEventSchema = Type.Object(
  {
    k: Type.Literal('socket'),
    transport: Type.Union([Type.Literal('websocket'), Type.Literal('polling')]),
    probes: count(1_000_000, 'probes sent'),
    lost: count(1_000_000, 'probes lost'),
    rtt: duration('smoothed RTT, ms'),
    p50: duration('median RTT, ms'),
    p95: duration('95th percentile RTT, ms'),
    jitter: duration('RFC 3550 jitter, ms'),
    loss: Type.Number({ minimum: 0, maximum: 1 }),
    connectMs: Type.Optional(duration('connect time, ms')),
    reconnects: count(1_000_000, 'reconnect attempts'),
    disconnects: Type.Array(
      Type.Union([
        Type.Literal('io server disconnect'),
        Type.Literal('io client disconnect'),
        Type.Literal('ping timeout'),
        Type.Literal('transport close'),
        Type.Literal('transport error'),
        Type.Literal('parse error'),
        Type.Literal('other'),
      ]),
      { maxItems: 1000 },
    ),
    upgrades: count(1_000_000, 'transport upgrades'),
    msgIn: count(1e9, 'messages received'),
    msgOut: count(1e9, 'messages sent'),
    msgs: Type.Optional(
      Type.Array(
        Type.Object(
          {
            e: NameSchema,
            in: count(1e9, 'messages received'),
            out: count(1e9, 'messages sent'),
            ok: count(1e9, 'acknowledged emits delivered'),
            fail: count(1e9, 'acknowledged emits timed out'),
            lost: count(1e9, 'acknowledged emits lost on disconnect'),
            d: Type.Array(duration('delivery time, ms'), { maxItems: MAX_DELIVERY_SAMPLES }),
          },
          strict,
        ),
        { maxItems: MAX_MESSAGE_EVENTS },
      ),
    ),
  },
  strict,
);

/** Media packets of one kind and direction in a window: a call sends at most a few thousand a second. */
const MediaQualitySchema = Type.Object(
  {
    jitter: Type.Optional(duration('RFC 3550 jitter, ms')),
    packets: count(10_000_000, 'packets expected'),
    lost: count(10_000_000, 'packets lost'),
  },
  strict,
);

export const WebRtcEventSchema = Type.Object(
  {
    k: Type.Literal('webrtc'),
    rtt: Type.Optional(duration('round-trip time, ms')),
    cand: Type.Optional(CandidateTypes.schema),
    bw: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12, description: 'bits/s' })),
    audio: Type.Optional(
      Type.Object(
        {
          in: Type.Optional(MediaQualitySchema),
          out: Type.Optional(MediaQualitySchema),
          conceal: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        },
        strict,
      ),
    ),
    video: Type.Optional(
      Type.Object(
        {
          in: Type.Optional(MediaQualitySchema),
          out: Type.Optional(MediaQualitySchema),
          fps: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
          dropped: Type.Optional(count(10_000_000, 'frames dropped')),
          freezes: Type.Optional(count(1_000_000, 'freezes')),
          freezeMs: Type.Optional(duration('time frozen, ms')),
        },
        strict,
      ),
    ),
    states: Type.Array(PeerStates.schema, { maxItems: 100 }),
  },
  strict,
);

export const PulseEventSchema = Type.Union([
  ViewEventSchema,
  PageEventSchema,
  LongTaskEventSchema,
  ErrorEventSchema,
  CustomEventSchema,
  TimingEventSchema,
  SocketEventSchema,
  WebRtcEventSchema,
]);

/** Every event kind (`k`), in schema order. */
export const EVENT_KINDS = PulseEventSchema.anyOf.map((schema) => schema.properties.k.const);

/**
 * One `POST /v1/rum` body. The event count is limited by the ingest route
 * (`maxEventsPerBeacon`, its own rejection reason); the body limit bounds it here too.
 */
export const BeaconSchema = Type.Object(
  {
    v: Type.Union(ACCEPTED_PROTOCOL_VERSIONS.map((version) => Type.Literal(version))),
    app: Type.String({ minLength: 1, maxLength: 64, pattern: APP_PATTERN }),
    release: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: RELEASE_PATTERN })),
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 256, pattern: KEY_PATTERN })),
    session: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN }),
    page: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN }),
    route: Type.String({ minLength: 1, maxLength: 200, pattern: ROUTE_PATTERN }),
    nav: NavigationTypes.schema,
    device: DeviceClasses.schema,
    engine: Type.Optional(Engines.schema),
    ect: Type.Optional(
      Type.Union([
        Type.Literal('slow-2g'),
        Type.Literal('2g'),
        Type.Literal('3g'),
        Type.Literal('4g'),
      ]),
    ),
    dropped: Type.Optional(count(1e9, 'events the SDK dropped since its last delivery')),
    events: Type.Array(PulseEventSchema),
  },
  strict,
);

/**
 * The beacon as the ingest route first checks it: every field strict as in `BeaconSchema`, but
 * events only required to be an array. Events are then checked one by one against
 * `PulseEventSchema`, so one bad event costs only itself, never the good events beside it.
 */
export const BeaconEnvelopeSchema = Type.Object(
  { ...BeaconSchema.properties, events: Type.Array(Type.Unknown()) },
  strict,
);

/*
 * Compile-time proof that schema and wire types agree. Mutual assignability catches a field
 * added, removed, renamed, retyped or made optional on either side alone.
 */
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AssertTrue<T extends true> = T;
type _EventSchemaMatchesProtocol = AssertTrue<
  MutuallyAssignable<Static<typeof PulseEventSchema>, PulseEvent>
>;
type _BeaconSchemaMatchesProtocol = AssertTrue<
  MutuallyAssignable<Static<typeof BeaconSchema>, Beacon>
>;
type _EnvelopeMatchesProtocol = AssertTrue<
  MutuallyAssignable<Omit<Static<typeof BeaconEnvelopeSchema>, 'events'>, Omit<Beacon, 'events'>>
>;

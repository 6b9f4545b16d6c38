/**
 * Property-based fuzzing of `POST /v1/rum` through fastify's inject (no sockets: thousands of
 * requests a second). Three properties, over both content types:
 * - well-formed beacons pushed to the schema's edges, with valid and certainly-invalid events
 *   mixed: the collector answers exactly as the protocol says, and its counters move by exactly
 *   the valid events (none lost) and the invalid ones (each counted once);
 * - bodies that are not beacons (random bytes, JSON of any shape, truncated beacons, broken
 *   envelopes, prototype poisoning, deep nesting): always a counted 4xx, never a 5xx, nothing
 *   recorded;
 * - the /metrics page after all of it still passes `promtool check metrics`.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  createCollector,
  defaultCollectorOptions,
  REJECT_REASONS,
  type RejectReason,
  type SeriesCounter,
} from '@pulse/collector';
import {
  brokenEnvelopeArb,
  envelopeArb,
  invalidEventArb,
  validEventArb,
} from './beaconArbitraries.js';

const { bodyLimit, maxEventsPerBeacon } = defaultCollectorOptions;
const RUNS = { mixed: 5000, malformed: 10_000, atTheLimits: 60 };
/** Fixed seed per run unless PULSE_FUZZ_SEED is set: a failure is replayable. */
const seed = Number(process.env.PULSE_FUZZ_SEED ?? Date.now() % 2 ** 31);

const JSON_TYPES = [
  'text/plain;charset=UTF-8',
  'text/plain',
  'application/json',
  'application/json; charset=utf-8',
  'TEXT/PLAIN',
];
const jsonTypeArb = fc.constantFrom(...JSON_TYPES);

let app: FastifyInstance;
const cases = { mixed: 0, malformed: 0, atTheLimits: 0 };
/** Which branch each mixed beacon took, to show the generators reach every one. */
const outcomes = { mixed: 0, allInvalid: 0, allValid: 0, tooLarge: 0, empty: 0 };

async function total<L extends string>(
  counter: SeriesCounter<L>,
  labels: Partial<Record<L, string>> = {},
) {
  const { values } = await counter.get();
  return values
    .filter((value) => Object.entries(labels).every(([key, want]) => value.labels[key] === want))
    .reduce((sum, value) => sum + value.value, 0);
}

/** The counters a request may move. */
async function counters() {
  const { metrics } = app.pulse;
  const rejected = await total(metrics.rejectedTotal);
  return {
    events: await total(metrics.eventsTotal),
    beacons: await total(metrics.beaconsTotal),
    rejected,
    eventSchema: await total(metrics.rejectedTotal, { reason: 'event_schema' }),
  };
}

function post(payload: string | Buffer, contentType: string | undefined) {
  return app.inject({
    method: 'POST',
    url: '/v1/rum',
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    payload,
  });
}

function rejectionOf(response: { statusCode: number; body: string }): RejectReason {
  const body = JSON.parse(response.body) as { reason: RejectReason; error: string };
  expect(REJECT_REASONS).toContain(body.reason);
  return body.reason;
}

beforeAll(async () => {
  // Production defaults, but no rate limit: every injected request comes from one address.
  app = await createCollector({ rateLimit: false, processMetrics: false, admitAfterClients: 1 });
});

afterAll(async () => {
  await app?.close();
  console.info(
    `ingest fuzz (seed ${seed}): ${cases.mixed} mixed beacons, ${cases.malformed} malformed bodies, ${cases.atTheLimits} beacons at the event limit`,
  );
});

const eventArb = fc.oneof(
  { arbitrary: validEventArb.map((event) => ({ valid: true, event })), weight: 3 },
  { arbitrary: invalidEventArb.map((event) => ({ valid: false, event })), weight: 1 },
);

/** A beacon whose valid and invalid events are interleaved; which is which is known. */
const mixedBeaconArb = fc.record({
  envelope: envelopeArb,
  events: fc.oneof(
    { arbitrary: fc.array(eventArb, { maxLength: 40 }), weight: 30 },
    // Long batches, some over the body limit.
    { arbitrary: fc.array(eventArb, { minLength: 200, maxLength: maxEventsPerBeacon }), weight: 1 },
  ),
  contentType: jsonTypeArb,
});

describe('POST /v1/rum under fuzzing', () => {
  it(`records exactly the valid events of mixed beacons (${RUNS.mixed} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(mixedBeaconArb, async ({ envelope, events, contentType }) => {
        cases.mixed += 1;
        const good = events.filter((item) => item.valid).length;
        const bad = events.length - good;
        const body = JSON.stringify({ ...envelope, events: events.map((item) => item.event) });
        const before = await counters();
        const response = await post(body, contentType);
        const after = await counters();

        outcomes[
          Buffer.byteLength(body) > bodyLimit
            ? 'tooLarge'
            : events.length === 0
              ? 'empty'
              : bad === 0
                ? 'allValid'
                : good === 0
                  ? 'allInvalid'
                  : 'mixed'
        ] += 1;
        if (Buffer.byteLength(body) > bodyLimit) {
          expect(response.statusCode).toBe(413);
          expect(rejectionOf(response)).toBe('too_large');
          expect(after.events).toBe(before.events);
          return;
        }
        if (good === 0 && bad > 0) {
          expect(response.statusCode, response.body).toBe(400);
          expect(rejectionOf(response)).toBe('event_schema');
          expect(after.eventSchema - before.eventSchema).toBe(bad);
          expect(after.beacons).toBe(before.beacons);
          expect(after.events).toBe(before.events);
          return;
        }
        expect(response.statusCode, response.body).toBe(204);
        expect(after.beacons - before.beacons).toBe(1);
        expect(after.events - before.events).toBe(good);
        expect(after.eventSchema - before.eventSchema).toBe(bad);
        expect(after.rejected - before.rejected).toBe(bad);
        expect(response.headers['x-pulse-refused-events']).toBe(bad > 0 ? String(bad) : undefined);
      }),
      { numRuns: RUNS.mixed, seed },
    );
    console.info('mixed-beacon outcomes', outcomes);
    for (const [outcome, seen] of Object.entries(outcomes)) {
      expect(seen, outcome).toBeGreaterThanOrEqual(RUNS.mixed / 500);
    }
    expect(outcomes.mixed).toBeGreaterThan(RUNS.mixed / 4);
  });

  it(`keeps every good event of beacons at the event limit (${RUNS.atTheLimits} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        envelopeArb,
        fc.constantFrom(maxEventsPerBeacon, maxEventsPerBeacon + 1),
        fc.nat({ max: maxEventsPerBeacon }),
        jsonTypeArb,
        async (envelope, length, badAt, contentType) => {
          cases.atTheLimits += 1;
          // Small events, so the body stays under the body limit at 500 of them.
          const events: unknown[] = Array.from({ length }, (_, i) =>
            i === badAt ? { k: 'long', kind: 'longtask', d: -1 } : { k: 'view' },
          );
          const bad = badAt < length ? 1 : 0;
          const before = await counters();
          const response = await post(JSON.stringify({ ...envelope, events }), contentType);
          const after = await counters();
          if (length > maxEventsPerBeacon) {
            expect(response.statusCode).toBe(413);
            expect(rejectionOf(response)).toBe('too_many_events');
            expect(after.events).toBe(before.events);
          } else {
            expect(response.statusCode, response.body).toBe(204);
            expect(after.events - before.events).toBe(length - bad);
            expect(after.eventSchema - before.eventSchema).toBe(bad);
          }
        },
      ),
      { numRuns: RUNS.atTheLimits, seed },
    );
  });

  const malformedBodyArb: fc.Arbitrary<string | Buffer> = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc
      .tuple(envelopeArb, fc.array(validEventArb, { maxLength: 5 }))
      .map(([envelope, events]) => JSON.stringify({ ...envelope, events }))
      .chain((text) => fc.nat({ max: text.length - 1 }).map((cut) => text.slice(0, cut))),
    fc
      .tuple(brokenEnvelopeArb, fc.array(validEventArb, { maxLength: 5 }))
      .map(([envelope, events]) => JSON.stringify({ ...envelope, events })),
    fc
      .tuple(envelopeArb, fc.jsonValue())
      .map(([envelope, events]) =>
        JSON.stringify({ ...envelope, events: Array.isArray(events) ? {} : events }),
      ),
    fc.constantFrom(
      '{"v":1,"__proto__":{"polluted":true},"events":[]}',
      '{"v":1,"app":"a","events":[{"k":"view","__proto__":{"x":1}}]}',
      '{"v":1,"constructor":{"prototype":{"polluted":true}}}',
      `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      `{"v":1,"events":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      '{"v":1e999}',
      '\uFEFF{"v":1}',
      '',
      ' ',
      'null',
    ),
  );

  it(`answers anything else with a counted 4xx, never a 5xx (${RUNS.malformed} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        malformedBodyArb,
        fc.oneof(
          { arbitrary: jsonTypeArb, weight: 4 },
          {
            arbitrary: fc.constantFrom(
              undefined,
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x',
              'application/octet-stream',
              'text/html',
              'text/plain; charset=latin1',
              'application/json; charset=utf-16',
            ),
            weight: 1,
          },
        ),
        async (body, contentType) => {
          cases.malformed += 1;
          const before = await counters();
          const response = await post(body, contentType);
          const after = await counters();
          expect(response.statusCode).toBeLessThan(500);
          if (response.statusCode === 204) {
            // A random body that happens to be a valid beacon: then it was recorded.
            expect(after.beacons - before.beacons).toBe(1);
            return;
          }
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          const reason = rejectionOf(response);
          expect(after.rejected - before.rejected, reason).toBeGreaterThanOrEqual(1);
          expect(after.beacons).toBe(before.beacons);
          expect(after.events).toBe(before.events);
        },
      ),
      { numRuns: RUNS.malformed, seed },
    );
  });

  it('is still healthy, and its /metrics passes promtool check metrics', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const metrics = await app.pulseAdmin.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    const result = spawnSync('promtool', ['check', 'metrics'], {
      input: metrics.body,
      encoding: 'utf8',
    });
    expect(result.error).toBeUndefined();
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
    // The fuzzing reached the label caps and the series stayed bounded by them.
    const apps = new Set(
      [...metrics.body.matchAll(/^pulse_beacons_total\{app="([^"]*)"\}/gm)].map((m) => m[1]),
    );
    expect(apps.size).toBeLessThanOrEqual(defaultCollectorOptions.appCap + 1);
    expect(apps.has('__other__')).toBe(true);
  });
});

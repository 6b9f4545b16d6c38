/**
 * Validation of a beacon in two layers. The envelope (the beacon's own fields: version, app,
 * route and the rest of the page-view context) is checked strictly, because every event of the
 * beacon is labelled with it: a bad envelope refuses the whole beacon. The events are then
 * checked one by one, so an event from a newer SDK, a buggy plugin or a hostile client costs
 * only itself and the valid events beside it are still recorded.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Beacon, PulseEvent } from '@pulse/sdk/protocol';
import { BeaconEnvelopeSchema, EVENT_KINDS, PulseEventSchema } from './schema.js';

/** A beacon whose envelope passed, its events not yet checked. */
export type BeaconEnvelope = Omit<Beacon, 'events'> & { events: unknown[] };

const envelopeValidator = TypeCompiler.Compile(BeaconEnvelopeSchema);

/**
 * One compiled checker per event kind, picked by `k`: cheaper than trying every member of the
 * union, and its first error names the field at fault instead of "expected union value".
 */
const eventValidators = new Map<unknown, TypeCheck<TSchema>>(
  PulseEventSchema.anyOf.map((schema) => [schema.properties.k.const, TypeCompiler.Compile(schema)]),
);
const KINDS = EVENT_KINDS.join(', ');

/**
 * Checks the envelope: `undefined` when it passes, else where it is wrong (`body/app: ...`), the
 * first field at fault. It also refuses `__proto__` and `constructor` keys at any depth (every
 * object in the schema is closed), which is what lets the beacon parser use plain `JSON.parse`.
 */
export function checkEnvelope(data: unknown): string | undefined {
  if (envelopeValidator.Check(data)) return undefined;
  const first = envelopeValidator.Errors(data).First();
  return first === undefined ? 'body: not a beacon' : `body${first.path}: ${first.message}`;
}

const kindOf = (event: unknown): unknown =>
  typeof event === 'object' && event !== null ? (event as { k?: unknown }).k : undefined;

/** The events of a beacon split into those to record and a count of those refused. */
export interface CheckedEvents {
  accepted: PulseEvent[];
  refused: number;
  /** Where the first refused event is wrong (`body/events/3/d: ...`), for logs and replies. */
  firstProblem?: string;
}

/** Checks each event against the schema of its kind. */
export function checkEvents(events: readonly unknown[]): CheckedEvents {
  // Until an event is refused, the accepted events are the array itself: no copy per beacon.
  let accepted: PulseEvent[] | undefined;
  let refused = 0;
  let firstProblem: string | undefined;
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    const validator = eventValidators.get(kindOf(event));
    if (validator?.Check(event)) {
      accepted?.push(event as PulseEvent);
      continue;
    }
    accepted ??= events.slice(0, index) as PulseEvent[];
    refused += 1;
    if (firstProblem !== undefined) continue;
    const error = validator?.Errors(event).First();
    firstProblem =
      error === undefined
        ? `body/events/${index}/k: expected one of ${KINDS}`
        : `body/events/${index}${error.path}: ${error.message}`;
  }
  return { accepted: accepted ?? (events as PulseEvent[]), refused, firstProblem };
}

import type { ErrorEvent as PulseErrorEvent, ErrorKind } from '../protocol.js';
import type { PulseClient } from '../types.js';
import { listen } from '../lib/listen.js';

/** Messages longer than this are cut; they are only sent when the app opted in. */
const MAX_MESSAGE = 200;

/** An unsigned 32-bit string hash in base 36 (never a minus sign): groups equal errors, reveals nothing. */
const hash = (text: string): string =>
  [...text].reduce((h, char) => (Math.imul(h, 31) + char.charCodeAt(0)) >>> 0, 0).toString(36);

/**
 * The event for one error: kind, fingerprint and message. The fingerprint hashes the error's
 * name, its message with numbers removed (so `id 41` and `id 42` group together) and its top
 * stack frame (the first file:line:col), so the same bug in the same place counts as one. The message is
 * included here and removed by the client unless `captureErrorMessages` is on.
 */
export const errorEvent = (error: unknown, kind: ErrorKind): PulseErrorEvent => {
  const { name, message = error, stack } = Object(error) as Partial<Error>;
  const text = String(message);
  return {
    k: 'error',
    kind,
    fp: hash(name + text.replace(/\d+/g, '') + /\S+:\d+:\d+/.exec(stack!)),
    msg: text.slice(0, MAX_MESSAGE),
  };
};

/**
 * Counts uncaught errors and unhandled promise rejections. Resource load failures only reach
 * capturing listeners, so this bubbling one sees script errors alone.
 */
export const observeErrors = (signal: AbortSignal, record: (event: PulseErrorEvent) => void) => {
  // `error` is null for cross-origin scripts ("Script error."): then the message is all there is.
  listen<ErrorEvent>(signal, window, 'error', (event) =>
    record(errorEvent(event.error ?? event.message, 'error')),
  );
  listen<PromiseRejectionEvent>(signal, window, 'unhandledrejection', (event) =>
    record(errorEvent(event.reason, 'rejection')),
  );
};

/**
 * Records an error caught by the app (a React error boundary, a `catch` worth counting) with the
 * same fingerprint as uncaught ones. Safe to call with any value.
 */
export const captureError = (
  client: PulseClient,
  error: unknown,
  kind: ErrorKind = 'react',
): void => {
  try {
    client.record(errorEvent(error, kind));
  } catch {
    // Never throw from an error path.
  }
};

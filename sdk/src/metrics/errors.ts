import type { ErrorEvent as PulseErrorEvent, ErrorKind } from '../protocol.js';
import type { PulseClient } from '../types.js';
import { listen } from '../lib/listen.js';

/** Messages longer than this are cut; they are only sent when the app opted in. */
const MAX_MESSAGE = 200;

/** 32-bit FNV-1a in base 36: a few characters that group equal errors and reveal nothing. */
const hash = (text: string): string => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
};

/**
 * The event for one error: kind, fingerprint and message. The fingerprint hashes the error's
 * name, its message with numbers removed (so `id 41` and `id 42` group together) and its top
 * stack frame (file:line:col), so the same bug in the same place counts as one. The message is
 * included here and removed by the client unless `captureErrorMessages` is on.
 */
export const errorEvent = (error: unknown, kind: ErrorKind): PulseErrorEvent => {
  const {
    name = 'Error',
    message = String(error),
    stack = '',
  } = error && typeof error == 'object' ? (error as Partial<Error>) : {};
  const frame = stack.split('\n').find((line) => /:\d+:\d+/.test(line)) ?? '';
  return {
    k: 'error',
    kind,
    fp: hash(name + message.replace(/\d+/g, '') + frame),
    msg: message.slice(0, MAX_MESSAGE),
  };
};

/**
 * Counts uncaught errors and unhandled promise rejections. Resource load failures only reach
 * capturing listeners, so this bubbling one sees script errors alone. Returns the disposers.
 */
export const observeErrors = (record: (event: PulseErrorEvent) => void) => [
  listen<ErrorEvent>(window, 'error', (event) =>
    record(errorEvent(event.error ?? event.message, 'error')),
  ),
  listen<PromiseRejectionEvent>(window, 'unhandledrejection', (event) =>
    record(errorEvent(event.reason, 'rejection')),
  ),
];

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

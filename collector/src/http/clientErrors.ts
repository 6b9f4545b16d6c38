/**
 * Requests Node's HTTP parser refuses before fastify sees them: bodies or headers that take
 * longer than `requestTimeout` (slow-loris clients, never-ending uploads), oversized headers,
 * and bytes that are not HTTP. They get the same JSON shape as every other rejection and are
 * counted in `pulse_rejected_total{reason}` like them.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { RejectReason, RejectionBody } from './rejection.js';

interface ClientError extends Error {
  code?: string;
}

/** Status and reason for one client error. */
function classify(error: ClientError): { status: number; reason: RejectReason } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: 'timeout' };
  if (error.code === 'HPE_HEADER_OVERFLOW') return { status: 431, reason: 'too_large' };
  return { status: 400, reason: 'bad_request' };
}

/**
 * A fastify `clientErrorHandler` that answers like the ingest route and tells `count` the
 * reason. Writes raw HTTP, as fastify's default does: there is no request object to reply with.
 */
export function createClientErrorHandler(
  count: (reason: RejectReason) => void,
): (error: ClientError, socket: Socket) => void {
  return (error, socket) => {
    // A reset connection has no one left to answer, and is not a refusal.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const { status, reason } = classify(error);
    count(reason);
    if (socket.writable) {
      const text = STATUS_CODES[status] ?? 'Bad Request';
      const message =
        reason === 'timeout' ? 'the request was not received in time' : 'unreadable request';
      const body = JSON.stringify({ error: text, reason, message } satisfies RejectionBody);
      socket.write(
        `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}

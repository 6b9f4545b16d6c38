/**
 * fastify's request log without the client's address. fastify's own `req` serializer logs
 * `request.ip` (behind a trusted proxy, the client's address from X-Forwarded-For) and the
 * remote port with every request it logs at `info` (the script, the dashboard, its APIs).
 * Pulse keeps no client address anywhere, logs included (docs/GEOGRAPHY.md, docs/SECURITY.md),
 * so the serializer here writes the method, URL and host only. A logger configuration that
 * brings its own `req` serializer keeps it.
 */
import type { FastifyServerOptions } from 'fastify';

type LoggerOption = FastifyServerOptions['logger'];

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
}

const request = (req: LoggedRequest) => ({ method: req.method, url: req.url, host: req.host });

export function withoutClientAddress(logger: LoggerOption): LoggerOption {
  if (logger === undefined || logger === false) return logger;
  const options = logger === true ? {} : logger;
  return { ...options, serializers: { req: request, ...options.serializers } };
}

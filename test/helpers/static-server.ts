import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A page with response headers of its own (a Content-Security-Policy, say). */
export interface PageWithHeaders {
  body: string;
  headers: Record<string, string>;
}

/**
 * Page body for a path, or a page with headers; return undefined for a 404. `origin` is the
 * server's own origin.
 */
export type PageRenderer = (path: string, origin: string) => string | PageWithHeaders | undefined;

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves generated HTML pages on 127.0.0.1, on a different port (so a different origin) than the
 * collector: the SDK's beacons then cross origins as on a real site with a separate RUM host.
 */
export async function serveHtml(render: PageRenderer): Promise<StaticServer> {
  let origin = '';
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', origin).pathname;
    const page = render(path, origin);
    const { body, headers } = typeof page === 'string' ? { body: page, headers: {} } : (page ?? {});
    response.writeHead(body === undefined ? 404 : 200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    });
    response.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

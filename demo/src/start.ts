/**
 * `npm start`: the collector with its dashboard, plus an example site that loads /pulse.js by
 * script tag, both on localhost. Ctrl-C stops both.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createCollector } from '@pulse/collector';

const collectorPort = Number(process.env.PULSE_PORT ?? 8080);
const demoPort = Number(process.env.DEMO_PORT ?? 3000);
const host = process.env.PULSE_HOST ?? '127.0.0.1';

const collectorUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${collectorPort}`;
const demoUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${demoPort}`;

const collector = await createCollector({
  allowOrigins: [demoUrl, `http://localhost:${demoPort}`],
  logger: { level: 'warn' },
});
await collector.listen({ port: collectorPort, host });

const template = await readFile(new URL('../../public/index.html', import.meta.url), 'utf8');
const html = template.replaceAll('%COLLECTOR%', collectorUrl);
// Every path serves the same page, so the routes /products/:id show up normalised on the dashboard.
const demo = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end(html);
});
await new Promise<void>((resolve) => demo.listen(demoPort, host, resolve));

console.info(`
  Pulse is running.
  Example site:  ${demoUrl}/
  Dashboard:     ${collectorUrl}/
  Prometheus:    ${collectorUrl}/metrics

  Press Ctrl-C to stop.
`);

const stop = async () => {
  demo.closeAllConnections();
  demo.close();
  await collector.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

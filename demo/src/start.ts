/**
 * `npm start`: the demo site and the Pulse collector with its live dashboard, both on localhost.
 * Ctrl-C stops both. Ports: PULSE_PORT (8080, beacons), PULSE_ADMIN_PORT (8081, dashboard and
 * /metrics, always on 127.0.0.1) and DEMO_PORT (3000); PULSE_HOST to listen elsewhere.
 */
import { startDemo } from './server/demoServer.js';

const demo = await startDemo({
  host: process.env.PULSE_HOST ?? '127.0.0.1',
  collectorPort: Number(process.env.PULSE_PORT ?? 8080),
  adminPort: Number(process.env.PULSE_ADMIN_PORT ?? 8081),
  demoPort: Number(process.env.DEMO_PORT ?? 3000),
});

console.info(`
  Pulse is running.

  Demo site:   ${demo.demoUrl}/
  Dashboard:   ${demo.adminUrl}/
  Prometheus:  ${demo.adminUrl}/metrics
  Beacons:     ${demo.collectorUrl}/v1/rum

  Fill the dashboard without clicking:  npm run demo:traffic
  Press Ctrl-C to stop.
`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  demo.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/**
 * `npm run demo:traffic`: headless Chromium tabs browse the running demo (npm start) so the
 * dashboard fills without clicking. Ctrl-C stops.
 *
 *   npm run demo:traffic -- --url http://127.0.0.1:3000 --tabs 3 --duration 120 --keep-network
 */
import { parseArgs } from 'node:util';
import { driveTraffic } from './traffic/driveTraffic.js';

const { values } = parseArgs({
  options: {
    url: {
      type: 'string',
      default: process.env.DEMO_URL ?? `http://127.0.0.1:${process.env.DEMO_PORT ?? 3000}`,
    },
    tabs: { type: 'string', default: '3' },
    duration: { type: 'string' },
    'keep-network': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.info(`Usage: npm run demo:traffic -- [--url URL] [--tabs N] [--duration SECONDS] [--keep-network]

  --url            demo site origin (default http://127.0.0.1:3000, or DEMO_URL)
  --tabs           tabs browsing at once, odd ones as phones (default 3)
  --duration       stop after this many seconds (default: until Ctrl-C)
  --keep-network   leave the socket impairment as set on the demo page, instead of
                   stepping through clean / busy wi-fi / bad mobile every 30 s`);
  process.exit(0);
}

const controller = new AbortController();
process.once('SIGINT', () => {
  console.info('\nStopping: tabs leave their pages so their last beacons are sent…');
  controller.abort();
});

const url = values.url.replace(/\/$/, '');
const reachable = await fetch(`${url}/api/impairment`).then(
  (response) => response.ok,
  () => false,
);
if (!reachable) {
  console.error(`No demo at ${url}. Start it first with: npm start`);
  process.exit(1);
}
console.info(`Browsing ${url} with ${values.tabs} headless tabs. Ctrl-C to stop.`);
const { visits } = await driveTraffic({
  demoUrl: url,
  tabs: Number(values.tabs),
  ...(values.duration === undefined ? {} : { durationMs: Number(values.duration) * 1000 }),
  cycleNetwork: !values['keep-network'],
  signal: controller.signal,
  log: (line) => console.info(`  ${line}`),
});
console.info(`Done: ${visits} visits.`);

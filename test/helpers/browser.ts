// One definition of how Pulse drives Chromium: the demo's traffic generator, the e2e tests and
// the benchmarks all launch the same Debian Chromium with the same flags.
export { CHROMIUM_PATH, launchChromium } from '../../demo/src/traffic/chromium.js';

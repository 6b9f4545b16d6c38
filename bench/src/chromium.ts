/**
 * The benchmarks drive the same Chromium, with the same flags, as the e2e tests: one launcher for
 * both, so a figure here is measured on the browser the tests prove correct.
 */
export { CHROMIUM_PATH, launchChromium } from '../../test/helpers/browser.js';

import { log } from './debug.js';

/**
 * Wraps a function so that nothing it throws reaches the host page: every listener, observer
 * callback and public method of the SDK goes through here. Errors are logged only with debug on.
 */
export const safe =
  <A extends unknown[], R>(fn: (...args: A) => R) =>
  (...args: A): R | undefined => {
    try {
      return fn(...args);
    } catch (error) {
      log(error);
    }
  };

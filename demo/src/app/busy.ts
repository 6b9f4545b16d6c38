/**
 * Blocks the main thread for `ms`: how the slow page makes its long tasks and its slow click
 * handler. Real apps do this by accident (large JSON, sync layout, heavy renders).
 */
export function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Deliberately spinning.
  }
}

/**
 * Reads `read()` until `ready` holds or `ms` have passed, and returns the last reading: for
 * figures that arrive asynchronously (a scrape, a rule evaluation, a remote write), where the
 * caller's assertion on the returned value then says what was missing.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  ready: (value: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!ready(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

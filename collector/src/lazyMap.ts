/**
 * A Map whose values are made on first use: `get(key)` returns the value kept for `key`, or makes
 * it with `make(key)`, keeps it and returns it. Used wherever the collector keeps something per
 * label value (per-app label caps, series handles), all of them bounded by the label caps.
 */
export class LazyMap<K, V> {
  private readonly values = new Map<K, V>();

  constructor(private readonly make: (key: K) => V) {}

  get(key: K): V {
    let value = this.values.get(key);
    if (value === undefined) {
      value = this.make(key);
      this.values.set(key, value);
    }
    return value;
  }
}

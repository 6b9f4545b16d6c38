/**
 * A Map whose values are made on first use: `get(key)` returns the value kept for `key`, or makes
 * it with `make(key)`, keeps it and returns it. Used wherever the collector keeps something per
 * label value (series handles), all of them bounded by the label model.
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

  /** The value kept for `key`, without making one. */
  peek(key: K): V | undefined {
    return this.values.get(key);
  }

  /** Forgets the value kept for `key` (an evicted label value); the next `get` makes a new one. */
  delete(key: K): void {
    this.values.delete(key);
  }
}

/**
 * A Map whose values are made on first use: `get(key)` returns the value kept for `key`, or makes
 * it with `make(key)`, keeps it and returns it. Used wherever the collector keeps something per
 * label value (series handles), all of them bounded by the label model.
 */
export class LazyMap<K, V> {
  private readonly kept = new Map<K, V>();

  constructor(private readonly make: (key: K) => V) {}

  get(key: K): V {
    let value = this.kept.get(key);
    if (value === undefined) {
      value = this.make(key);
      this.kept.set(key, value);
    }
    return value;
  }

  /** The value kept for `key`, without making one. */
  peek(key: K): V | undefined {
    return this.kept.get(key);
  }

  /** The values kept now. */
  values(): IterableIterator<V> {
    return this.kept.values();
  }

  /** Forgets the value kept for `key` (an evicted label value); the next `get` makes a new one. */
  delete(key: K): void {
    this.kept.delete(key);
  }
}

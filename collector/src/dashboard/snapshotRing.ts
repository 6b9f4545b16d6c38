/**
 * A fixed-capacity ring of the most recent items: pushing past the capacity drops the oldest,
 * so the dashboard's history costs the same memory after a minute as after a month.
 */
export class SnapshotRing<T> {
  readonly #items: T[] = [];
  #start = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  push(item: T): void {
    if (this.#items.length < this.capacity) {
      this.#items.push(item);
      return;
    }
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % this.capacity;
  }

  /** The items, oldest first. */
  toArray(): T[] {
    return [...this.#items.slice(this.#start), ...this.#items.slice(0, this.#start)];
  }

  /** The newest item. */
  last(): T | undefined {
    if (this.#items.length < this.capacity) return this.#items.at(-1);
    return this.#items[(this.#start + this.capacity - 1) % this.capacity];
  }

  get size(): number {
    return this.#items.length;
  }

  clear(): void {
    this.#items.length = 0;
    this.#start = 0;
  }
}

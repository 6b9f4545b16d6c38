/**
 * Evidence for label values not yet admitted: from how many distinct client networks each was
 * seen, within a window.
 *
 * A value earns its own series only once enough networks sent it (labelModel.ts), so one
 * client, however many values it invents, admits none. The table is bounded: when it is full,
 * the entry to forget is the one with the least evidence (one network), oldest first, so a flood
 * of invented values from a few clients churns among themselves while a real new value, sent by
 * several browsers, keeps its place. Entries older than the window start over.
 */
import { clientNetwork } from './clientNetwork.js';
import type { Sighting } from './labelModel.js';

interface Candidate {
  networks: Set<string>;
  firstSeen: number;
}

/** How far from the oldest entry a full table looks for one with a single network. */
const EVICTION_SCAN = 64;

export class LabelEvidence {
  private readonly candidates = new Map<string, Candidate>();

  constructor(
    /** Entries kept at most. */
    private readonly capacity: number,
    /** Networks needed; an entry stops collecting once it has them. */
    private readonly needed: number,
    /** Milliseconds after its first sighting an entry starts over. */
    private readonly windowMs: number,
  ) {}

  get size(): number {
    return this.candidates.size;
  }

  /** True when `key` is collecting evidence. */
  has(key: string): boolean {
    return this.candidates.has(key);
  }

  /** Records that `network` sent `key` at `now`; returns from how many networks it was seen. */
  see(key: string, network: string, now: number): number {
    let candidate = this.candidates.get(key);
    if (candidate !== undefined && now - candidate.firstSeen > this.windowMs) {
      this.candidates.delete(key);
      candidate = undefined;
    }
    if (candidate === undefined) {
      if (this.candidates.size >= this.capacity) this.evictOne();
      candidate = { networks: new Set([network]), firstSeen: now };
      this.candidates.set(key, candidate);
      return 1;
    }
    if (candidate.networks.size < this.needed) candidate.networks.add(network);
    return candidate.networks.size;
  }

  /**
   * Records a sighting of `key` by `sighting`'s client and says whether it now has its
   * evidence. A key not collecting yet starts only while the beacon has new values left to
   * spend (`fresh`): one beacon of invented values cannot flush the table.
   */
  admits(key: string, sighting: Sighting): boolean {
    if (!this.has(key) && sighting.fresh-- <= 0) return false;
    return this.see(key, clientNetwork(sighting.client.ip), sighting.now) >= this.needed;
  }

  /** Forgets `key` (admitted, or its scope evicted). */
  forget(key: string): void {
    this.candidates.delete(key);
  }

  /** Forgets entries whose window has passed. */
  sweep(now: number): void {
    for (const [key, candidate] of this.candidates) {
      if (now - candidate.firstSeen > this.windowMs) this.candidates.delete(key);
    }
  }

  private evictOne(): void {
    let scanned = 0;
    let oldest: string | undefined;
    for (const [key, candidate] of this.candidates) {
      oldest ??= key;
      if (candidate.networks.size === 1) {
        this.candidates.delete(key);
        return;
      }
      if (++scanned >= EVICTION_SCAN) break;
    }
    if (oldest !== undefined) this.candidates.delete(oldest);
  }
}

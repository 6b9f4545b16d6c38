/**
 * What the dashboard shows of each error group beyond its count: when it was first and last
 * seen, the releases and routes it hit, and its message when the app sends messages
 * (`captureErrorMessages`; the SDK leaves them out otherwise).
 *
 * Kept only for fingerprints with series of their own (the heaviest few per app, ranked like
 * every diagnosis label), and for `__other__` without a message, so the table is as bounded as
 * the series. Since-start figures of this collector, like the rest of the dashboard.
 */

/** Releases and routes remembered per group: the most recent ones. */
const RECENT = 5;

export interface ErrorGroup {
  app: string;
  fingerprint: string;
  kind: string;
  count: number;
  /** Unix ms. */
  firstSeen: number;
  lastSeen: number;
  /** Most recent first. */
  releases: string[];
  routes: string[];
  message?: string;
}

/** Moves `value` to the front of `list`, keeping at most `RECENT`. */
const remember = (list: string[], value: string) => {
  const at = list.indexOf(value);
  if (at === 0) return;
  if (at > 0) list.splice(at, 1);
  list.unshift(value);
  if (list.length > RECENT) list.length = RECENT;
};

export class ErrorGroups {
  private readonly groups = new Map<string, ErrorGroup>();

  /**
   * The group of `fingerprint` in `app`, made (as first seen `now`) if it is not kept yet; the
   * recorder keeps it with the fingerprint's series and counts each error into it (`count`).
   */
  group(app: string, fingerprint: string, now: number): ErrorGroup {
    const key = `${app}\u0000${fingerprint}`;
    let group = this.groups.get(key);
    if (group === undefined) {
      group = {
        app,
        fingerprint,
        kind: '',
        count: 0,
        firstSeen: now,
        lastSeen: now,
        releases: [],
        routes: [],
      };
      this.groups.set(key, group);
    }
    return group;
  }

  /** Counts one error of `group` (which `group()` gave, and `forget` has not dropped since). */
  count(
    group: ErrorGroup,
    kind: string,
    route: string,
    release: string | undefined,
    message: string | undefined,
    now: number,
  ): void {
    group.count++;
    group.lastSeen = now;
    group.kind = kind;
    remember(group.routes, route);
    if (release !== undefined) remember(group.releases, release);
    // `__other__` stands for many errors: no one message is its own.
    if (message !== undefined && message !== '' && group.fingerprint !== '__other__') {
      group.message = message;
    }
  }

  /** The groups of `app` (every app when absent), most frequent first. */
  list(app?: string): ErrorGroup[] {
    return [...this.groups.values()]
      .filter((group) => app === undefined || group.app === app)
      .sort((a, b) => b.count - a.count);
  }

  /** Forgets a retired fingerprint, or every group of an evicted app. */
  forget(app: string, fingerprint?: string): void {
    if (fingerprint !== undefined) {
      this.groups.delete(`${app}\u0000${fingerprint}`);
      return;
    }
    for (const [key, group] of this.groups) if (group.app === app) this.groups.delete(key);
  }
}

/**
 * The origins an app's pages are served from, as browsers name them in the beacon's `Origin`
 * header: what tells the app's own scripts from third-party ones in the blocking-script view
 * (a script's label is its origin and path). Operators may list them too (`--allow-origin`).
 * A few per admitted app, the first seen: an app has one origin, or a handful (www, a CDN).
 */

/** Origins remembered per app. */
const PER_APP = 4;

export class PageOrigins {
  private readonly origins = new Map<string, string[]>();

  constructor(private readonly configured: readonly string[] = []) {}

  /** Notes that a page of `app` at `origin` sent a beacon. */
  see(app: string, origin: string | undefined): void {
    // Opaque origins (`null`: sandboxed frames, `no-referrer` pages) name no site.
    if (origin === undefined || origin === 'null') return;
    const known = this.origins.get(app);
    if (known === undefined) this.origins.set(app, [origin]);
    else if (known.length < PER_APP && !known.includes(origin)) known.push(origin);
  }

  /** True when `script` (origin and path, or `inline`) comes from one of `app`'s origins. */
  isFirstParty(app: string, script: string): boolean {
    if (script === 'inline') return true;
    const own = [...this.configured, ...(this.origins.get(app) ?? [])];
    return own.some((origin) => script === origin || script.startsWith(`${origin}/`));
  }

  /** Forgets an evicted app. */
  forget(app: string): void {
    this.origins.delete(app);
  }
}

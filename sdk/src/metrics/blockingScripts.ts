import {
  SCRIPT_INVOKER_TYPES,
  SCRIPT_URL_CHARS,
  type BlockingScript,
  type ScriptInvoker,
} from '../protocol.js';

/** Scripts sent per frame: the few that explain most of it, so labels stay few. */
const MAX_SCRIPTS = 3;
/** Script addresses become labels: bounded as routes are. */
const MAX_URL = 200;
const OUTSIDE_CHARSET = new RegExp(`[^${SCRIPT_URL_CHARS}]`, 'g');

/** The fields read from a `PerformanceLongAnimationFrameTiming`; `scripts` is Chromium 123+. */
type FrameTiming = {
  scripts?: Pick<PerformanceScriptTiming, 'sourceURL' | 'invokerType' | 'duration'>[];
};

/**
 * The scheme, then, for a URL with a host, the host and the path. Credentials need no stripping:
 * Chromium, the one engine with LoAF, refuses subresources whose URLs carry them.
 */
const ADDRESS = /^[\w+.-]+:(\/\/[^/?#]+[^?#]*)?/;

/**
 * A script's address without what could identify a user: scheme, host and path, never the query
 * or fragment (tokens, emails, session ids live there). A URL without a host (`data:`, `blob:`)
 * keeps only its scheme: its path is the script's own text or a per-page id. The browser has
 * already percent-encoded the path; what the wire charset still lacks (`'`, a backslash in a
 * non-http URL) is escaped, so the event is never refused for it. A pattern, not `new URL()`:
 * pages replace that global, and a pattern cannot throw.
 */
export const scriptUrl = (url: string): string =>
  (ADDRESS.exec(url) || [''])[0].replace(OUTSIDE_CHARSET, escape).slice(0, MAX_URL);

/**
 * The longest scripts of a long animation frame, longest first: what blocked the main thread and
 * who ran it. A script without an address, or at the page's own address, is `inline`. Undefined
 * where the browser does not list scripts, and for a frame without any (rendering work alone).
 */
export const blockingScripts = ({ scripts }: FrameTiming): BlockingScript[] | undefined => {
  if (!scripts || !scripts.length) return;
  const page = scriptUrl(location.href);
  return [...scripts]
    .sort((a, b) => b.duration - a.duration)
    .slice(0, MAX_SCRIPTS)
    .map(({ sourceURL, invokerType, duration }) => {
      const url = scriptUrl(sourceURL);
      return {
        u: !url || url == page ? 'inline' : url,
        i: (SCRIPT_INVOKER_TYPES as readonly string[]).includes(invokerType)
          ? invokerType
          : ('other' as ScriptInvoker),
        d: Math.round(duration),
      };
    });
};

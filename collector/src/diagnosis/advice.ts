/**
 * Advice for a route's slow vitals: which phase dominates, and what to do about it, naming the
 * element or script the evidence points at. Pure functions with no I/O, so the rules can be read
 * and tested as a table (docs/DIAGNOSIS.md renders RULES; advice.test.ts keeps the two equal).
 * The collector gathers the evidence and serves the result at `GET /api/v1/diagnosis`.
 */

export type DiagnosedVital = 'LCP' | 'INP' | 'CLS';

// LCP's four parts and INP's three, as web-vitals' attribution splits them, in the order they
// happen: the names the SDK's `ph` and the phase series use.
import { INP_PHASES, LCP_PHASES, type InpPhase, type LcpPhase } from '@pulse/sdk/protocol';

export { INP_PHASES, LCP_PHASES, type InpPhase, type LcpPhase };

/** An element (or, for INP, an interaction) that poor and needs-improvement page views blame. */
export interface Culprit {
  /**
   * INP: `"<eventType> <selector>"`, e.g. `"click button#pay"`. LCP and CLS: a short CSS
   * selector, e.g. `"img.hero"` or `"div#banner>img"`. `__other__` stands for the culprits past
   * the bounded top few.
   */
  target: string;
  /** Share (0..1) of the route's poor and needs-improvement page views this target explains. */
  share: number;
}

/** A script that blocked the main thread, from Long Animation Frames. */
export interface BlockingScript {
  /** Origin and path (no query) of the script, `"inline"`, or `__other__` past the top few. */
  script: string;
  /** How it ran, as LoAF's `invokerType`: `classic-script`, `event-listener`, `user-callback`… */
  invoker: string;
  /** Blocking time it caused, seconds, summed over the app's page views. */
  seconds: number;
  /** Its share (0..1) of all script blocking time of the app. */
  share: number;
  /** True when the script comes from another site than the page. */
  thirdParty: boolean;
}

/** What the collector knows about one vital of one route that misses "good". */
export interface VitalEvidence {
  metric: DiagnosedVital;
  rating: 'needs-improvement' | 'poor';
  /** 75th percentile: seconds for LCP and INP, unitless for CLS. */
  p75: number;
  /** Mean seconds per phase over the route's page views; absent when there is no phase data. */
  phases?: Partial<Record<LcpPhase | InpPhase, number>>;
  /** Largest share first. */
  culprits: Culprit[];
  /** The app's top blocking scripts, largest first. */
  scripts: BlockingScript[];
}

/** One piece of advice: which rule fired, what to do, and where the advice comes from. */
export interface Advice {
  /** Stable kebab-case rule id, one of RULES. */
  rule: string;
  /** One sentence naming the evidence (the element, the interaction, the script). */
  text: string;
  /** URL of the web.dev or developer.chrome.com page the advice follows. */
  source: string;
}

/** The "Why" of one vital: the dominating phase, the culprits, and the advice. */
export interface VitalDiagnosis {
  metric: DiagnosedVital;
  rating: 'needs-improvement' | 'poor';
  p75: number;
  /** The phase with the largest share of the phases' sum; absent without phase data. */
  dominatingPhase?: LcpPhase | InpPhase;
  /** That phase's share (0..1) of the sum of the phases. */
  phaseShare?: number;
  culprits: Culprit[];
  advice: Advice[];
}

/** A row of the rule table. */
export interface Rule {
  rule: string;
  /** When the rule fires. */
  when: string;
  /** What it advises, in general; the advice text names the actual element or script. */
  advice: string;
  source: string;
}

/**
 * A third-party script gets its own advice from this share of the app's script blocking time:
 * high enough that dropping or deferring it is worth a conversation with whoever added it.
 */
export const THIRD_PARTY_SHARE = 0.2;

/** The bucket that stands for every value past the bounded top few: never named in advice. */
const OTHER = '__other__';

export const RULES = [
  {
    rule: 'lcp-load-delay-image',
    when: 'LCP: `load_delay` dominates and the top culprit is an image (`img…`, `…>img`)',
    advice: 'Preload the image or give it `fetchpriority="high"`, and don\'t lazy-load it.',
    source: 'https://web.dev/articles/fetch-priority',
  },
  {
    rule: 'lcp-load-delay-undiscovered',
    when: 'LCP: `load_delay` dominates and the top culprit is not an image, or is unknown',
    advice:
      'Make the resource the element needs (background image, web font) discoverable from the HTML.',
    source: 'https://web.dev/articles/optimize-lcp',
  },
  {
    rule: 'lcp-ttfb',
    when: 'LCP: `ttfb` dominates',
    advice: 'Speed up the server or CDN: cache the HTML at the edge, avoid redirects.',
    source: 'https://web.dev/articles/optimize-ttfb',
  },
  {
    rule: 'lcp-load-duration',
    when: 'LCP: `load_duration` dominates',
    advice: 'Send fewer bytes: an image sized for the viewport, in a modern format, from a CDN.',
    source: 'https://web.dev/articles/optimize-lcp',
  },
  {
    rule: 'lcp-render-delay',
    when: 'LCP: `render_delay` dominates',
    advice: 'Remove render-blocking CSS and JavaScript: inline critical CSS, defer scripts.',
    source: 'https://web.dev/articles/optimize-lcp',
  },
  {
    rule: 'inp-processing',
    when: 'INP: `processing` dominates',
    advice: 'Split the event handler into smaller tasks and yield (`scheduler.yield()`).',
    source: 'https://web.dev/articles/optimize-long-tasks',
  },
  {
    rule: 'inp-presentation',
    when: 'INP: `presentation` dominates',
    advice: 'Shrink the DOM and the layout work the interaction triggers.',
    source: 'https://web.dev/articles/dom-size-and-interactivity',
  },
  {
    rule: 'inp-input-delay',
    when: 'INP: `input_delay` dominates',
    advice: "Break up or defer other scripts' main-thread work, naming the top blocking script.",
    source: 'https://web.dev/articles/optimize-input-delay',
  },
  {
    rule: 'cls-unsized-element',
    when: 'CLS (any evidence; CLS has no phases)',
    advice: 'Reserve space for the shifting element: `width`/`height` or `aspect-ratio`.',
    source: 'https://web.dev/articles/optimize-cls',
  },
  {
    rule: 'third-party-blocking',
    when: `App: a third-party script causes ≥ ${THIRD_PARTY_SHARE * 100}% of the app's script blocking time`,
    advice: 'Defer the script (`async`, `defer`, after load) or drop it.',
    source: 'https://web.dev/articles/efficiently-load-third-party-javascript',
  },
] as const satisfies readonly Rule[];

export type RuleId = (typeof RULES)[number]['rule'];

const SOURCES = new Map<string, string>(RULES.map(({ rule, source }) => [rule, source]));

const advise = (rule: RuleId, text: string): Advice => ({
  rule,
  text,
  source: SOURCES.get(rule)!,
});

/**
 * The phase with the largest share of the sum of all phases, and that share. Undefined when
 * there is nothing to compare: no phases, or none with a positive time. Missing, negative and
 * non-finite times count as 0. A tie goes to the phase that comes first on the timeline, so the
 * answer never depends on the order of the object's keys.
 */
export function dominatingPhase(
  phases: Partial<Record<LcpPhase | InpPhase, number>> | undefined,
): { phase: LcpPhase | InpPhase; share: number } | undefined {
  let best: LcpPhase | InpPhase | undefined;
  let bestSeconds = 0;
  let sum = 0;
  for (const phase of [...LCP_PHASES, ...INP_PHASES]) {
    const seconds = secondsOf(phases?.[phase]);
    sum += seconds;
    if (seconds > bestSeconds) [best, bestSeconds] = [phase, seconds];
  }
  return best === undefined ? undefined : { phase: best, share: bestSeconds / sum };
}

const secondsOf = (value: number | undefined): number =>
  value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;

/** Only the metric's own phases compete: LCP phases sent with an INP are not INP evidence. */
function phasesOf(evidence: VitalEvidence): Partial<Record<LcpPhase | InpPhase, number>> {
  const own: readonly (LcpPhase | InpPhase)[] =
    evidence.metric === 'LCP' ? LCP_PHASES : evidence.metric === 'INP' ? INP_PHASES : [];
  return Object.fromEntries(own.map((phase) => [phase, evidence.phases?.[phase]]));
}

/** The diagnosis of one vital: its dominating phase, culprits and the advice that applies. */
export function diagnose(evidence: VitalEvidence): VitalDiagnosis {
  const { metric, rating, p75, culprits } = evidence;
  const dominating = dominatingPhase(phasesOf(evidence));
  const found = { dominating, culprit: culprits.find(({ target }) => target !== OTHER) };
  const advice =
    metric === 'LCP'
      ? lcpAdvice(found)
      : metric === 'INP'
        ? inpAdvice(found, evidence.scripts)
        : clsAdvice(found.culprit);
  return {
    metric,
    rating,
    p75,
    ...(dominating && { dominatingPhase: dominating.phase, phaseShare: dominating.share }),
    culprits,
    advice,
  };
}

/** App-level advice: every third-party script with at least THIRD_PARTY_SHARE of blocking time. */
export function scriptAdvice(scripts: BlockingScript[]): Advice[] {
  return scripts
    .filter(
      ({ script, thirdParty, share }) =>
        thirdParty && script !== OTHER && share >= THIRD_PARTY_SHARE,
    )
    .map(({ script, invoker, seconds, share }) => {
      const ranBy = invoker ? `, invoked as ${invoker}` : '';
      return advise(
        'third-party-blocking',
        `Defer or drop the third-party script ${script}: it causes ${percent(share)} of the app's ` +
          `script blocking time (${formatSeconds(seconds)}${ranBy}).`,
      );
    });
}

interface Found {
  dominating: { phase: LcpPhase | InpPhase; share: number } | undefined;
  /** The largest named culprit (`__other__` is skipped: it names no element). */
  culprit: Culprit | undefined;
}

function lcpAdvice({ dominating, culprit }: Found): Advice[] {
  if (!dominating) return [];
  const element = culprit?.target ?? 'the LCP element';
  // Each sentence ends with its evidence: the phase's share, then the element's.
  const because = `${PHASE_NAMES[dominating.phase]} is ${percent(dominating.share)} of LCP${
    culprit ? `, and ${culprit.target} is the LCP element in ${missingGood(culprit)}` : ''
  }.`;
  switch (dominating.phase) {
    case 'load_delay':
      return culprit && isImage(culprit.target)
        ? [
            advise(
              'lcp-load-delay-image',
              `Preload ${element} or give it fetchpriority="high", and don't lazy-load it: ${because}`,
            ),
          ]
        : [
            advise(
              'lcp-load-delay-undiscovered',
              `Make the resource ${element} needs (background image, web font) discoverable ` +
                `from the HTML, e.g. with <link rel="preload">: ${because}`,
            ),
          ];
    case 'ttfb':
      // The element does not matter here: the whole document arrives late.
      return [
        advise(
          'lcp-ttfb',
          `Speed up the server response for this route (cache the HTML at a CDN edge, avoid ` +
            `redirects, profile the backend): ${PHASE_NAMES.ttfb} is ${percent(dominating.share)} of LCP.`,
        ),
      ];
    case 'load_duration':
      return [
        advise(
          'lcp-load-duration',
          `Make ${element} smaller: size it for the viewport, serve a modern format (AVIF, WebP) ` +
            `from a CDN: ${because}`,
        ),
      ];
    case 'render_delay':
      return [
        advise(
          'lcp-render-delay',
          `Remove the render-blocking CSS and JavaScript that hold back ${element} (inline ` +
            `critical CSS, defer or async scripts): ${because}`,
        ),
      ];
    default:
      // Unreachable: only LCP phases compete for an LCP (phasesOf).
      return [];
  }
}

function inpAdvice({ dominating, culprit }: Found, scripts: BlockingScript[]): Advice[] {
  if (!dominating) return [];
  const interaction = culprit ? describeInteraction(culprit.target) : undefined;
  const because = `${PHASE_NAMES[dominating.phase]} is ${percent(dominating.share)} of the latency${
    culprit ? `, and ${culprit.target} is the slowest interaction in ${missingGood(culprit)}` : ''
  }.`;
  switch (dominating.phase) {
    case 'processing':
      return [
        advise(
          'inp-processing',
          `Split ${interaction?.handler ?? 'the slow event handlers'} into smaller tasks and ` +
            `yield to the main thread between them (await scheduler.yield()): ${because}`,
        ),
      ];
    case 'presentation':
      return [
        advise(
          'inp-presentation',
          `Shrink the DOM and the layout work that ${interaction?.name ?? 'the slow interactions'} ` +
            `trigger (fewer nodes, content-visibility: auto, no layout reads after writes): ${because}`,
        ),
      ];
    case 'input_delay': {
      const top = scripts.find(({ script }) => script !== OTHER);
      const culpritScript = top
        ? `, starting with ${top.script} (${percent(top.share)} of the app's script blocking time)`
        : '';
      return [
        advise(
          'inp-input-delay',
          `Break up or defer the main-thread work of other scripts that runs before ` +
            `${interaction?.name ?? 'the slow interactions'} can start${culpritScript}: ${because}`,
        ),
      ];
    }
    default:
      // Unreachable: only INP phases compete for an INP (phasesOf).
      return [];
  }
}

function clsAdvice(culprit: Culprit | undefined): Advice[] {
  // The culprit is the element that moved the most; the one without reserved space is often it,
  // or content loaded or inserted just above it, so the advice names both.
  const text = culprit
    ? `Reserve space for ${culprit.target}, or for what loads just above it, with width and ` +
      `height attributes or CSS aspect-ratio: it shifts in ${missingGood(culprit)}.`
    : `Reserve space with width and height attributes or CSS aspect-ratio for images, embeds ` +
      `and content inserted above what is already on screen.`;
  return [advise('cls-unsized-element', text)];
}

const PHASE_NAMES: Record<LcpPhase | InpPhase, string> = {
  ttfb: 'time to first byte',
  load_delay: 'resource load delay',
  load_duration: 'resource load duration',
  render_delay: 'element render delay',
  input_delay: 'input delay',
  processing: 'processing time',
  presentation: 'presentation delay',
};

/**
 * True when the selector's subject (its last compound) is an `img`: `img.hero`,
 * `div#banner>img`, `picture img`. An `img` earlier in the selector is an ancestor, not the
 * element that painted.
 */
export function isImage(selector: string): boolean {
  const subject =
    selector
      .trim()
      .split(/\s*[\s>+~]\s*/)
      .pop() ?? '';
  return /^img(?![\w-])/i.test(subject);
}

/** `"click button#pay"` → the click handler of button#pay; a bare selector → its handler. */
function describeInteraction(target: string): { name: string; handler: string } {
  const space = target.indexOf(' ');
  if (space < 0)
    return { name: `interactions with ${target}`, handler: `the handler of ${target}` };
  const [event, selector] = [target.slice(0, space), target.slice(space + 1)];
  return { name: `${event} on ${selector}`, handler: `the ${event} handler of ${selector}` };
}

const missingGood = (culprit: Culprit) =>
  `${percent(culprit.share)} of the page views that miss "good"`;

const percent = (share: number) => `${Math.round(Math.min(Math.max(share, 0), 1) * 100)}%`;

/** Whole seconds from 10 s on, two significant digits below: 0.043 s, 1.2 s, 37 s, 413 s. */
const formatSeconds = (seconds: number) =>
  `${seconds >= 10 ? Math.round(seconds) : Number(seconds.toPrecision(2))} s`;

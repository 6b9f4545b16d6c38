import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  RULES,
  THIRD_PARTY_SHARE,
  diagnose,
  dominatingPhase,
  isImage,
  scriptAdvice,
  type Advice,
  type BlockingScript,
  type InpPhase,
  type LcpPhase,
  type RuleId,
  type VitalEvidence,
} from './advice.js';

const evidence = (fields: Partial<VitalEvidence> & Pick<VitalEvidence, 'metric'>) =>
  ({ rating: 'poor', p75: 1, culprits: [], scripts: [], ...fields }) satisfies VitalEvidence;

const script = (fields: Partial<BlockingScript>): BlockingScript => ({
  script: 'https://tags.example.net/tag.js',
  invoker: 'classic-script',
  seconds: 12.34,
  share: 0.4,
  thirdParty: true,
  ...fields,
});

const rules = (advice: Advice[]) => advice.map(({ rule }) => rule);
const only = (advice: Advice[]) => {
  expect(advice).toHaveLength(1);
  return advice[0]!;
};

describe('dominatingPhase', () => {
  it('is undefined without phases', () => {
    expect(dominatingPhase(undefined)).toBeUndefined();
    expect(dominatingPhase({})).toBeUndefined();
  });

  it('is undefined when every phase is zero, negative or not a number', () => {
    expect(dominatingPhase({ ttfb: 0, load_delay: 0, load_duration: 0, render_delay: 0 })).toBe(
      undefined,
    );
    expect(dominatingPhase({ ttfb: -1, processing: Number.NaN, presentation: Infinity })).toBe(
      undefined,
    );
  });

  it('is the phase with the largest share of the sum', () => {
    expect(
      dominatingPhase({ ttfb: 0.5, load_delay: 1.5, load_duration: 1, render_delay: 1 }),
    ).toEqual({ phase: 'load_delay', share: 0.375 });
    expect(dominatingPhase({ input_delay: 0.25, processing: 1.5, presentation: 0.25 })).toEqual({
      phase: 'processing',
      share: 0.75,
    });
  });

  it('gives a lone phase the whole share, and ignores the bad values beside it', () => {
    expect(dominatingPhase({ presentation: 0.2 })).toEqual({ phase: 'presentation', share: 1 });
    expect(dominatingPhase({ render_delay: 0.4, ttfb: -3, load_delay: Number.NaN })).toEqual({
      phase: 'render_delay',
      share: 1,
    });
  });

  it('breaks a tie for the phase first on the timeline, whatever the key order', () => {
    expect(dominatingPhase({ render_delay: 1, ttfb: 1 })).toEqual({ phase: 'ttfb', share: 0.5 });
    expect(dominatingPhase({ ttfb: 1, render_delay: 1 })).toEqual({ phase: 'ttfb', share: 0.5 });
    expect(dominatingPhase({ presentation: 0.1, processing: 0.1, input_delay: 0.05 })).toEqual({
      phase: 'processing',
      share: 0.4,
    });
  });
});

// One piece of evidence per rule, each close to the others: same metric, a different phase or
// element. Every rule must fire on its own and on no other rule's evidence.
const hero = [{ target: 'img.hero', share: 0.64 }];
const pay = [{ target: 'click button#pay', share: 0.48 }];

/** LCP advice when `phase` dominates (2 s against 0.3 s for each other phase). */
const lcp = (phase: LcpPhase, culprits = hero) =>
  diagnose(
    evidence({
      metric: 'LCP',
      phases: { ttfb: 0.3, load_delay: 0.3, load_duration: 0.3, render_delay: 0.3, [phase]: 2 },
      culprits,
    }),
  ).advice;

/** INP advice when `phase` dominates (0.4 s against 0.05 s for each other phase). */
const inp = (phase: InpPhase, scripts: BlockingScript[] = []) =>
  diagnose(
    evidence({
      metric: 'INP',
      phases: { input_delay: 0.05, processing: 0.05, presentation: 0.05, [phase]: 0.4 },
      culprits: pay,
      scripts,
    }),
  ).advice;

const fires: Record<RuleId, () => Advice[]> = {
  'lcp-load-delay-image': () => lcp('load_delay'),
  'lcp-load-delay-undiscovered': () => lcp('load_delay', [{ target: 'div.hero', share: 0.5 }]),
  'lcp-ttfb': () => lcp('ttfb'),
  'lcp-load-duration': () => lcp('load_duration'),
  'lcp-render-delay': () => lcp('render_delay'),
  'inp-processing': () => inp('processing'),
  'inp-presentation': () => inp('presentation'),
  'inp-input-delay': () => inp('input_delay', [script({})]),
  'cls-unsized-element': () =>
    diagnose(
      evidence({ metric: 'CLS', p75: 0.3, culprits: [{ target: 'div#banner>img', share: 0.7 }] }),
    ).advice,
  'third-party-blocking': () => scriptAdvice([script({})]),
};

describe('each rule fires on its own evidence and on no other', () => {
  it.each(RULES.map(({ rule }) => rule))('%s', (rule) => {
    expect(rules(fires[rule]())).toEqual([rule]);
  });
});

describe('LCP', () => {
  it('names the image, the phase and both shares when an image loads late', () => {
    const diagnosis = diagnose(
      evidence({
        metric: 'LCP',
        p75: 4.6,
        phases: { ttfb: 0.5, load_delay: 2, load_duration: 1, render_delay: 0.5 },
        culprits: hero,
      }),
    );
    expect(diagnosis).toMatchObject({
      metric: 'LCP',
      rating: 'poor',
      p75: 4.6,
      dominatingPhase: 'load_delay',
      phaseShare: 0.5,
      culprits: hero,
    });
    expect(only(diagnosis.advice)).toEqual({
      rule: 'lcp-load-delay-image',
      text:
        'Preload img.hero or give it fetchpriority="high", and don\'t lazy-load it: resource ' +
        'load delay is 50% of LCP, and img.hero is the LCP element in 64% of the page views ' +
        'that miss "good".',
      source: 'https://web.dev/articles/fetch-priority',
    });
  });

  it.each([
    ['img.hero', true],
    ['div#banner>img', true],
    ['div#banner > img.wide', true],
    ['picture img', true],
    ['IMG', true],
    ['div.img-wrap', false],
    ['img.hero>span', false],
    ['image', false],
    ['h1.title', false],
  ])('%s is an image: %s', (selector, image) => {
    expect(isImage(selector)).toBe(image);
    const { advice } = diagnose(
      evidence({
        metric: 'LCP',
        phases: { load_delay: 1 },
        culprits: [{ target: selector, share: 1 }],
      }),
    );
    expect(rules(advice)).toEqual([image ? 'lcp-load-delay-image' : 'lcp-load-delay-undiscovered']);
  });

  it('skips __other__ for the named culprit, and says "the LCP element" when none is named', () => {
    const named = diagnose(
      evidence({
        metric: 'LCP',
        phases: { load_delay: 1 },
        culprits: [
          { target: '__other__', share: 0.5 },
          { target: 'img.hero', share: 0.3 },
        ],
      }),
    );
    expect(only(named.advice).rule).toBe('lcp-load-delay-image');
    expect(only(named.advice).text).not.toContain('__other__');

    const unnamed = diagnose(
      evidence({
        metric: 'LCP',
        phases: { load_delay: 1 },
        culprits: [{ target: '__other__', share: 1 }],
      }),
    );
    expect(only(unnamed.advice).rule).toBe('lcp-load-delay-undiscovered');
    expect(only(unnamed.advice).text).toMatch(/^Make the resource the LCP element needs/);
  });

  it('points at the server, not the element, when TTFB dominates', () => {
    const advice = only(fires['lcp-ttfb']());
    expect(advice.text).toContain('time to first byte is 69% of LCP');
    expect(advice.text).not.toContain('img.hero');
  });

  it('gives no advice and no dominating phase without phase data', () => {
    const diagnosis = diagnose(evidence({ metric: 'LCP', culprits: hero }));
    expect(diagnosis.dominatingPhase).toBeUndefined();
    expect(diagnosis.phaseShare).toBeUndefined();
    expect(diagnosis.advice).toEqual([]);
    expect(diagnosis.culprits).toEqual(hero);
  });

  it('ignores INP phases sent with an LCP', () => {
    const diagnosis = diagnose(evidence({ metric: 'LCP', phases: { processing: 1 } }));
    expect(diagnosis.dominatingPhase).toBeUndefined();
    expect(diagnosis.advice).toEqual([]);
  });
});

describe('INP', () => {
  it('names the handler of the interaction when processing dominates', () => {
    expect(only(fires['inp-processing']()).text).toBe(
      'Split the click handler of button#pay into smaller tasks and yield to the main thread ' +
        'between them (await scheduler.yield()): processing time is 80% of the latency, and ' +
        'click button#pay is the slowest interaction in 48% of the page views that miss "good".',
    );
  });

  it('names the interaction when presentation dominates', () => {
    expect(only(fires['inp-presentation']()).text).toMatch(
      /^Shrink the DOM and the layout work that click on button#pay trigger/,
    );
  });

  it('names the top blocking script when input delay dominates, skipping __other__', () => {
    const { advice } = diagnose(
      evidence({
        metric: 'INP',
        phases: { input_delay: 0.3, processing: 0.1 },
        culprits: pay,
        scripts: [script({ script: '__other__', share: 0.5 }), script({ share: 0.41 })],
      }),
    );
    expect(only(advice).text).toContain(
      "before click on button#pay can start, starting with https://tags.example.net/tag.js (41% of the app's script blocking time)",
    );
  });

  it('gives the input delay advice without a script when there is none', () => {
    const { advice } = diagnose(evidence({ metric: 'INP', phases: { input_delay: 0.3 } }));
    expect(only(advice).rule).toBe('inp-input-delay');
    expect(only(advice).text).toMatch(
      /before the slow interactions can start: input delay is 100%/,
    );
  });

  it('reads a target without an event type as a bare selector', () => {
    const { advice } = diagnose(
      evidence({
        metric: 'INP',
        phases: { processing: 1 },
        culprits: [{ target: '#menu', share: 1 }],
      }),
    );
    expect(only(advice).text).toMatch(/^Split the handler of #menu /);
  });

  it('gives no advice without phase data', () => {
    const diagnosis = diagnose(evidence({ metric: 'INP', culprits: pay, scripts: [script({})] }));
    expect(diagnosis.dominatingPhase).toBeUndefined();
    expect(diagnosis.advice).toEqual([]);
  });
});

describe('CLS', () => {
  it('names the element that shifts, from culprits alone', () => {
    const diagnosis = diagnose(
      evidence({
        metric: 'CLS',
        p75: 0.3,
        phases: { ttfb: 1 }, // not CLS evidence: CLS has no phases
        culprits: [{ target: 'div#banner>img', share: 0.7 }],
      }),
    );
    expect(diagnosis.dominatingPhase).toBeUndefined();
    expect(only(diagnosis.advice)).toEqual({
      rule: 'cls-unsized-element',
      text:
        'Reserve space for div#banner>img, or for what loads just above it, with width and ' +
        'height attributes or CSS aspect-ratio: it shifts in 70% of the page views that miss "good".',
      source: 'https://web.dev/articles/optimize-cls',
    });
  });

  it('still advises reserving space when no element is named', () => {
    const { advice } = diagnose(evidence({ metric: 'CLS', p75: 0.2 }));
    expect(only(advice).rule).toBe('cls-unsized-element');
    expect(only(advice).text).toMatch(/^Reserve space with width and height/);
  });
});

describe('scriptAdvice', () => {
  it('names a third-party script at the threshold, with its share, time and invoker', () => {
    const advice = scriptAdvice([
      script({ share: THIRD_PARTY_SHARE, seconds: 37.2, invoker: 'event-listener' }),
    ]);
    expect(only(advice)).toEqual({
      rule: 'third-party-blocking',
      text:
        "Defer or drop the third-party script https://tags.example.net/tag.js: it causes 20% of the app's " +
        'script blocking time (37 s, invoked as event-listener).',
      source: 'https://web.dev/articles/efficiently-load-third-party-javascript',
    });
  });

  it('leaves out first-party scripts, scripts under the threshold and __other__', () => {
    expect(
      scriptAdvice([
        script({ script: 'https://shop.example.com/app.js', thirdParty: false, share: 0.6 }),
        script({ script: 'inline', thirdParty: false, share: 0.3 }),
        script({ share: 0.19 }),
        script({ script: '__other__', share: 0.5 }),
      ]),
    ).toEqual([]);
  });

  it('advises on every third-party script over the threshold, in the given order', () => {
    const advice = scriptAdvice([
      script({ script: 'https://a.example.net/a.js', share: 0.4 }),
      script({ script: 'https://b.example.net/b.js', share: 0.25 }),
    ]);
    expect(advice.map(({ text }) => text.split(':')[1])).toEqual([
      '//a.example.net/a.js',
      '//b.example.net/b.js',
    ]);
  });
});

describe('docs/DIAGNOSIS.md', () => {
  const doc = readFileSync(
    fileURLToPath(new URL('../../../docs/DIAGNOSIS.md', import.meta.url)),
    'utf8',
  );

  it('renders RULES as its rule table: every id with its when, advice and source', () => {
    // The rule table is the only one whose rows start with a kebab-case id in backticks.
    const rows = doc
      .split('\n')
      .filter((line) => /^\|\s*`[a-z]+(-[a-z]+)+`\s*\|/.test(line))
      .map((line) =>
        line.split(' | ').map((cell) => cell.replace(/^\|/, '').replace(/\|$/, '').trim()),
      )
      .map(([id, when, advice, source]) => ({ rule: id!.slice(1, -1), when, advice, source }));
    expect(rows).toEqual(RULES.map((rule) => ({ ...rule })));
  });

  it('shows the Why panel screenshot, and the file is there', () => {
    expect(doc).toMatch(/!\[[^\]]+\]\(why-panel\.png\)/);
    expect(existsSync(fileURLToPath(new URL('../../../docs/why-panel.png', import.meta.url)))).toBe(
      true,
    );
  });
});

// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { DiagnosisReport } from '../../diagnosis/diagnosisReport.js';
import { whyContent } from './whyPanel.js';

const HOSTILE = '<img src=x onerror=alert(1)>';

const report: DiagnosisReport = {
  app: 'shop',
  route: '/product',
  pageViews: 12,
  vitals: [
    {
      metric: 'LCP',
      rating: 'poor',
      p75: 4.6,
      dominatingPhase: 'load_delay',
      phaseShare: 0.5,
      // Out of timeline order on purpose: the bar still reads ttfb first.
      phases: { render_delay: 0.8, load_delay: 2.3, ttfb: 0.6, load_duration: 0.9 },
      culprits: [
        { target: 'img.hero', share: 0.64 },
        { target: '__other__', share: 0.08 },
      ],
      advice: [
        {
          rule: 'lcp-load-delay-image',
          text: 'Preload img.hero.',
          source: 'https://web.dev/articles/fetch-priority',
        },
      ],
    },
    {
      metric: 'CLS',
      rating: 'poor',
      p75: 0.31,
      culprits: [{ target: HOSTILE, share: 1 }],
      advice: [
        {
          rule: 'cls-unsized-element',
          text: `Reserve space for ${HOSTILE}.`,
          source: 'javascript:alert(1)',
        },
      ],
    },
  ],
  scripts: [
    {
      script: 'https://tags.example.net/t.js',
      invoker: 'classic-script',
      seconds: 12,
      share: 0.6,
      thirdParty: true,
    },
    {
      script: 'https://shop.example/app.js',
      invoker: 'event-listener',
      seconds: 8,
      share: 0.4,
      thirdParty: false,
    },
  ],
  scriptAdvice: [],
};

const render = (nodes: Node[]) => {
  const root = document.createElement('div');
  root.append(...nodes);
  return root;
};

describe('the Why panel', () => {
  it('shows each vital with its dominating phase, phases in timeline order, culprits and advice', () => {
    const root = render(whyContent({ kind: 'report', report }));
    const lcp = root.querySelector('[data-metric="LCP"]')!;
    expect(lcp.querySelector('h3')!.textContent).toBe('LCP 4.60 s p75 · poor');
    expect(lcp.querySelector('[data-phase]')!.textContent).toBe('load_delay');
    expect(lcp.querySelector('.dominating-phase')!.textContent).toBe(
      'Dominating phase: load_delay, 50% of the LCP',
    );
    const segments = [...lcp.querySelectorAll<HTMLElement>('.phases span')];
    expect(segments.map((segment) => segment.title.split(' ')[0])).toEqual([
      'ttfb',
      'load_delay',
      'load_duration',
      'render_delay',
    ]);
    expect(segments[1]!.style.width).toBe('50.0%');
    expect(lcp.querySelector('.phase-legend .dominating')!.textContent).toBe('load_delay 2.30 s');
    expect([...lcp.querySelectorAll('.culprits li')].map((li) => li.textContent)).toEqual([
      'img.hero explains 64% of the page views that miss "good"',
      'others (past the top few) explains 8% of the page views that miss "good"',
    ]);
    const link = lcp.querySelector<HTMLAnchorElement>('[data-rule="lcp-load-delay-image"] a')!;
    expect(link.href).toBe('https://web.dev/articles/fetch-priority');
    expect(link.rel).toBe('noopener noreferrer');
  });

  it('puts text from the data in as text, and links only https sources', () => {
    const root = render(whyContent({ kind: 'report', report }));
    const cls = root.querySelector('[data-metric="CLS"]')!;
    expect(cls.querySelector('.culprits code')!.textContent).toBe(HOSTILE);
    expect(cls.querySelector('.advice-text')!.textContent).toBe(`Reserve space for ${HOSTILE}.`);
    expect(root.querySelector('img')).toBeNull();
    // CLS has no phases, so no bar; the unsafe source shows as text, not as a link.
    expect(cls.querySelector('.phases')).toBeNull();
    expect(cls.querySelector('a')).toBeNull();
    expect(cls.querySelector('.source')!.textContent).toBe('javascript:alert(1)');
  });

  it('marks third-party scripts', () => {
    const rows = [
      ...render(whyContent({ kind: 'report', report })).querySelectorAll('.scripts tbody tr'),
    ];
    expect(rows.map((row) => row.querySelector('.third-party') !== null)).toEqual([true, false]);
    expect(rows[0]!.textContent).toBe(
      'https://tags.example.net/t.js third partyclassic-script12.00 s60%',
    );
  });

  it('says what to do without a route, while loading, and when every vital is good', () => {
    expect(render(whyContent({ kind: 'no-route' })).textContent).toContain('Select a route');
    expect(render(whyContent({ kind: 'loading', route: '/cart' })).textContent).toBe(
      'Reading the diagnosis of /cart…',
    );
    const good = render(whyContent({ kind: 'report', report: { ...report, vitals: [] } }));
    expect(good.textContent).toContain('LCP, INP and CLS are good at p75 over 12 page views.');
  });
});

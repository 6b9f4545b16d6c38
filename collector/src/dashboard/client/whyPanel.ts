/// <reference lib="dom" />
/**
 * The "Why" panel of the selected route, from `GET /api/v1/diagnosis`: for each vital that
 * misses "good", its p75, the phases with the dominating one, the culprits and the advice; then
 * the app's blocking scripts and the advice about them.
 */
import type { Advice, BlockingScript, InpPhase, LcpPhase } from '../../diagnosis/advice.js';
import type { DiagnosisReport, RouteVitalDiagnosis } from '../../diagnosis/diagnosisReport.js';
import { setWidth } from './domWrites.js';
import { element, sourceLink, table } from './elements.js';
import { formatCount, formatSeconds, formatShare, formatVital } from './format.js';

/** Phases in the order they happen, so the bar reads left to right like the page load. */
const PHASE_ORDER: ReadonlyArray<LcpPhase | InpPhase> = [
  'ttfb',
  'load_delay',
  'load_duration',
  'render_delay',
  'input_delay',
  'processing',
  'presentation',
];
const OTHER = '__other__';
/** Culprits listed per vital; the API ranks them, the rest are a click away in its JSON. */
const TOP_CULPRITS = 5;
const RATING_TEXT = { 'needs-improvement': 'needs improvement', poor: 'poor' } as const;

/** What the panel is asked to show: nothing selected, an answer on its way, or the answer. */
export type WhyState =
  | { kind: 'no-route' }
  | { kind: 'loading'; route: string }
  | { kind: 'report'; report: DiagnosisReport };

const culpritName = (target: string) => (target === OTHER ? 'others (past the top few)' : target);

function phaseBar(vital: RouteVitalDiagnosis): HTMLElement[] {
  const phases = PHASE_ORDER.flatMap((phase) => {
    const seconds = vital.phases?.[phase];
    return seconds === undefined ? [] : [{ phase, seconds: Math.max(seconds, 0) }];
  });
  const total = phases.reduce((sum, { seconds }) => sum + seconds, 0);
  if (total <= 0) return [element('p', 'detail', 'No phase data for this vital.')];
  const bar = element('div', 'phases');
  bar.setAttribute('role', 'img');
  const legend = element('ul', 'phase-legend');
  const described: string[] = [];
  phases.forEach(({ phase, seconds }, i) => {
    const share = seconds / total;
    const segment = element('span', `phase-${i}`);
    setWidth(segment, share);
    segment.title = `${phase} ${formatSeconds(seconds)} (${formatShare(share)})`;
    bar.append(segment);
    const item = element(
      'li',
      phase === vital.dominatingPhase ? 'dominating' : '',
      element('span', `swatch phase-${i}`),
      element('code', '', phase),
      ` ${formatSeconds(seconds)}`,
    );
    legend.append(item);
    described.push(`${phase} ${formatShare(share)}`);
  });
  bar.setAttribute('aria-label', `Mean phases: ${described.join(', ')}`);
  return [bar, legend];
}

function adviceList(advice: Advice[]): HTMLElement {
  const list = element('ul', 'advice');
  for (const one of advice) {
    const item = element('li', '', element('span', 'advice-text', one.text), ' ');
    item.dataset.rule = one.rule;
    item.append(sourceLink(one.source));
    list.append(item);
  }
  return list;
}

function vitalBlock(vital: RouteVitalDiagnosis): HTMLElement {
  const block = element(
    'article',
    'why-vital',
    element(
      'h3',
      '',
      `${vital.metric} `,
      element('span', `value ${vital.rating}`, formatVital(vital.metric, vital.p75)),
      ' ',
      element('small', '', `p75 · ${RATING_TEXT[vital.rating]}`),
    ),
  );
  block.dataset.metric = vital.metric;
  if (vital.dominatingPhase !== undefined && vital.phaseShare !== undefined) {
    const dominating = element('code', '', vital.dominatingPhase);
    dominating.dataset.phase = vital.dominatingPhase;
    block.append(
      element(
        'p',
        'dominating-phase',
        'Dominating phase: ',
        dominating,
        `, ${formatShare(vital.phaseShare)} of the ${vital.metric === 'LCP' ? 'LCP' : 'latency'}`,
      ),
    );
  }
  if (vital.metric !== 'CLS') block.append(...phaseBar(vital));
  const culprits = vital.culprits.slice(0, TOP_CULPRITS);
  if (culprits.length === 0) {
    block.append(element('p', 'detail', 'No culprit named by these page views.'));
  } else {
    const list = element('ol', 'culprits');
    for (const culprit of culprits) {
      list.append(
        element(
          'li',
          '',
          element('code', 'target', culpritName(culprit.target)),
          ` explains ${formatShare(culprit.share)} of the page views that miss "good"`,
        ),
      );
    }
    block.append(element('h4', '', 'Culprits'), list);
  }
  if (vital.advice.length > 0) block.append(element('h4', '', 'Advice'), adviceList(vital.advice));
  return block;
}

function scriptsBlock(scripts: BlockingScript[], advice: Advice[]): HTMLElement {
  const block = element('article', 'why-scripts', element('h3', '', 'Blocking scripts (app)'));
  if (scripts.length === 0) {
    block.append(element('p', 'detail', 'No long animation frame named a script yet.'));
    return block;
  }
  const rows = scripts.map((script) => [
    element(
      'span',
      '',
      element('code', 'script', culpritName(script.script)),
      ...(script.thirdParty ? [' ', element('span', 'badge third-party', 'third party')] : []),
    ),
    script.invoker,
    formatSeconds(script.seconds),
    formatShare(script.share),
  ]);
  block.append(table('scripts', ['Script', 'Invoked as', 'Blocking', 'Share'], rows));
  if (advice.length > 0) block.append(adviceList(advice));
  return block;
}

export function whyContent(state: WhyState): HTMLElement[] {
  if (state.kind === 'no-route') {
    return [element('p', 'detail', 'Select a route (selector above or a table row) to see why.')];
  }
  if (state.kind === 'loading') {
    return [element('p', 'detail', `Reading the diagnosis of ${state.route}…`)];
  }
  const { report } = state;
  const vitals =
    report.vitals.length > 0
      ? report.vitals.map(vitalBlock)
      : [
          element(
            'p',
            'detail',
            report.pageViews > 0
              ? `LCP, INP and CLS are good at p75 over ${formatCount(report.pageViews)} page views.`
              : 'No vitals reported for this route yet.',
          ),
        ];
  return [
    element('div', 'why-vitals', ...vitals),
    scriptsBlock(report.scripts, report.scriptAdvice),
  ];
}

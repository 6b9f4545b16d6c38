/// <reference lib="dom" />
/**
 * The routes table, worst experience first. Rows are kept per route and only their changed
 * cells are written, so a poll that changes one figure costs one text write.
 */
import type { AppSummary, RouteSummary } from '../summarySchema.js';
import { setAttribute, setBand, setText, setWidth } from './domWrites.js';
import {
  formatCount,
  formatScore,
  formatSeconds,
  formatShare,
  formatVital,
  scoreBand,
} from './format.js';

/** Rows shown: the worst routes first, then the busiest, up to this many. */
const MAX_ROWS = 12;

interface Row {
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
  poorBar: HTMLSpanElement;
}

/** Column order of the table head in the page skeleton. */
const COLUMNS = ['route', 'views', 'score', 'poor', 'LCP', 'INP', 'CLS', 'TBT', 'long-tasks'];

export function routesTable(tbody: HTMLTableSectionElement, onSelect: (route: string) => void) {
  const rows = new Map<string, Row>();
  tbody.addEventListener('click', (event) => {
    const route = (event.target as Element).closest('tr')?.dataset.route;
    if (route !== undefined) onSelect(route);
  });

  const makeRow = (route: string): Row => {
    const tr = document.createElement('tr');
    tr.dataset.route = route;
    const cells = COLUMNS.map((column) => {
      const td = tr.insertCell();
      td.dataset.column = column;
      return td;
    });
    const bar = document.createElement('span');
    bar.className = 'bar';
    const poorBar = document.createElement('span');
    poorBar.className = 'poor';
    bar.append(poorBar);
    cells[3]!.append(bar, document.createTextNode(''));
    return { tr, cells, poorBar };
  };

  const fill = (row: Row, route: RouteSummary) => {
    const [name, views, score, poor, lcp, inp, cls, tbt, longTasks] = row.cells as [
      HTMLTableCellElement,
      HTMLTableCellElement,
      HTMLTableCellElement,
      HTMLTableCellElement,
      HTMLTableCellElement,
      HTMLTableCellElement,
      HTMLTableCellElement,
      HTMLTableCellElement,
      HTMLTableCellElement,
    ];
    setText(name, route.route);
    setText(views, formatCount(route.pageViews));
    setAttribute(views, 'data-value', String(route.pageViews));
    setText(score, formatScore(route.score.median));
    setAttribute(score, 'data-value', String(route.score.median ?? ''));
    setBand(score, scoreBand(route.score.median));
    setWidth(row.poorBar, route.score.poorShare ?? 0);
    const poorText = poor.lastChild!;
    const share = formatShare(route.score.poorShare);
    if (poorText.textContent !== share) poorText.textContent = share;
    setAttribute(poor, 'data-value', String(route.score.poorShare ?? ''));
    const vitals: Array<[HTMLTableCellElement, 'LCP' | 'INP' | 'CLS']> = [
      [lcp, 'LCP'],
      [inp, 'INP'],
      [cls, 'CLS'],
    ];
    for (const [cell, metric] of vitals) {
      const vital = route.vitals[metric];
      setText(cell, formatVital(metric, vital.p75));
      setAttribute(cell, 'data-value', String(vital.p75 ?? ''));
      setBand(cell, vital.rating ?? '');
    }
    setText(tbt, formatSeconds(route.tbt.p75));
    setAttribute(tbt, 'data-value', String(route.tbt.p75 ?? ''));
    setText(longTasks, formatCount(route.longTasks.samples));
    setAttribute(longTasks, 'data-value', String(route.longTasks.samples));
  };

  return {
    update(app: AppSummary | undefined, selected: string) {
      const byName = new Map(app?.routes.map((route) => [route.route, route]));
      const order = [
        ...(app?.worstRoutes ?? []),
        ...(app?.routes.map((route) => route.route) ?? []),
      ].filter((route, i, all) => all.indexOf(route) === i);
      const shown = order.slice(0, MAX_ROWS);
      for (const [route, row] of rows) {
        if (!shown.includes(route)) {
          row.tr.remove();
          rows.delete(route);
        }
      }
      shown.forEach((route, i) => {
        let row = rows.get(route);
        if (row === undefined) rows.set(route, (row = makeRow(route)));
        fill(row, byName.get(route)!);
        row.tr.classList.toggle('selected', route === selected);
        // Moving a row that is already in place would still cost a layout.
        if (tbody.children[i] !== row.tr) tbody.insertBefore(row.tr, tbody.children[i] ?? null);
      });
    },
  };
}

/// <reference lib="dom" />
/**
 * Reads the diagnosis endpoints for the app and route the dashboard shows: the Why of the route
 * (when one is selected), the app's release comparison and its error groups. The three requests
 * go out together; an answer for a selection the viewer has since left is dropped, so a slow
 * answer can never paint another route's diagnosis over the current one.
 */
import type { DiagnosisReport } from '../../diagnosis/diagnosisReport.js';
import type { ReleaseComparison } from '../../diagnosis/releaseComparison.js';
import type { ErrorsAnswer } from './errorsPanel.js';

/** The route value of the "All routes" choice: no single route to diagnose. */
const ALL_ROUTES = '*';

export interface Selection {
  app: string;
  route: string;
}

export interface DiagnosisViews {
  /** Called at once when the selection changed, before its answer arrives. */
  selecting(selection: Selection): void;
  /** The answers for `selection`; undefined where an endpoint did not answer. */
  answered(
    selection: Selection,
    answers: {
      report: DiagnosisReport | undefined;
      releases: ReleaseComparison | undefined;
      errors: ErrorsAnswer | undefined;
    },
  ): void;
}

async function readJson<T>(path: string, query: Record<string, string>): Promise<T | undefined> {
  try {
    const response = await fetch(`${path}?${new URLSearchParams(query)}`, { cache: 'no-store' });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    // Unreachable collector: the status line says so already; keep what is shown.
    return undefined;
  }
}

export function diagnosisFeed(views: DiagnosisViews) {
  let current: Selection = { app: '', route: ALL_ROUTES };
  const same = (a: Selection, b: Selection) => a.app === b.app && a.route === b.route;

  return {
    /** Reads the answers for `selection`; resolves once they are shown (or dropped). */
    async refresh(selection: Selection): Promise<void> {
      if (selection.app === '') return;
      if (!same(selection, current)) {
        current = { ...selection };
        views.selecting(current);
      }
      const asked = current;
      const { app, route } = asked;
      const [report, releases, errors] = await Promise.all([
        route === ALL_ROUTES
          ? Promise.resolve(undefined)
          : readJson<DiagnosisReport>('/api/v1/diagnosis', { app, route }),
        readJson<ReleaseComparison>('/api/v1/releases', { app }),
        readJson<ErrorsAnswer>('/api/v1/errors', { app }),
      ]);
      if (same(asked, current)) views.answered(asked, { report, releases, errors });
    },
  };
}

/// <reference lib="dom" />
/**
 * The "Errors" section, from `GET /api/v1/errors`: the app's error groups, most frequent first,
 * with when they were first and last seen, the releases and routes they hit, their message when
 * the app sends messages, and a mark on those new in the newest release.
 */
import type { ErrorGroup } from '../../record/errorGroups.js';
import { element, table } from './elements.js';
import { formatCount, formatTime } from './format.js';

/** The answer of `GET /api/v1/errors`. */
export interface ErrorsAnswer {
  app: string;
  newestRelease: string | null;
  groups: Array<ErrorGroup & { newInNewestRelease: boolean }>;
}

const DASH = '–';

function errorCell(group: ErrorsAnswer['groups'][number], newest: string | null): HTMLElement {
  const cell = element('span', 'error');
  if (group.newInNewestRelease && newest !== null) {
    cell.append(element('span', 'badge new', `new in ${newest}`), ' ');
  }
  // The message is sent only by apps that opted in; the fingerprint always names the group.
  if (group.message !== undefined) cell.append(element('span', 'message', group.message), ' ');
  cell.append(element('code', 'fingerprint', group.fingerprint));
  return cell;
}

export function errorsContent(answer: ErrorsAnswer): HTMLElement[] {
  if (answer.groups.length === 0) {
    return [element('p', 'detail', 'No JavaScript error reported by this app.')];
  }
  const rows = answer.groups.map((group) => [
    errorCell(group, answer.newestRelease),
    group.kind,
    formatCount(group.count),
    formatTime(group.firstSeen),
    formatTime(group.lastSeen),
    group.releases.join(', ') || DASH,
    group.routes.join(', ') || DASH,
  ]);
  return [
    table(
      'errors',
      ['Error', 'Kind', 'Count', 'First seen', 'Last seen', 'Releases', 'Routes'],
      rows,
    ),
  ];
}

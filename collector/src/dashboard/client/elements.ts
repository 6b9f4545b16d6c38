/// <reference lib="dom" />
/**
 * Builds the elements of the diagnosis panels. Their text comes from the internet (culprit
 * selectors, script URLs, error messages), so it only ever goes in as textContent: data can
 * never become markup, whatever it holds.
 */

type Child = Node | string;

/** An element with a class name (may be empty) and children; strings become text nodes. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  if (className !== '') made.className = className;
  made.append(...children);
  return made;
}

/**
 * A link to an advice's source, opened beside the dashboard. Anything but an https URL is shown
 * as text rather than linked, so no answer can turn a click into a script.
 */
export function sourceLink(href: string): HTMLElement {
  let url: URL | undefined;
  try {
    url = new URL(href);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') return element('span', 'source', href);
  const link = element('a', 'source', url.hostname);
  link.href = url.href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  return link;
}

/** A table with a head row and body rows; cells given as strings become text. */
export function table(className: string, head: string[], rows: Child[][]): HTMLTableElement {
  const made = element('table', className);
  const headRow = made.createTHead().insertRow();
  for (const title of head) {
    const th = element('th', '', title);
    th.scope = 'col';
    headRow.append(th);
  }
  const body = made.createTBody();
  for (const cells of rows) {
    const tr = body.insertRow();
    for (const cell of cells) tr.insertCell().append(cell);
  }
  return made;
}

/** Attribution targets are labels in dashboards: short enough to read, bounded on the wire. */
const MAX_SELECTOR = 100;

/**
 * A short CSS selector for an element, built upwards from the element until an id anchors it or
 * the length limit is reached (as web-vitals' attribution build does): `div#cart>button.buy`.
 * Text content is never read, so no user data leaves the page through a selector.
 */
export const selector = (node: Node | null | undefined): string | undefined => {
  let path = '';
  while (node?.nodeType == 1) {
    const element = node as Element;
    const part = element.id
      ? '#' + element.id
      : [element.localName, ...Array.from(element.classList)].join('.');
    if (path.length + part.length >= MAX_SELECTOR) return path || part.slice(0, MAX_SELECTOR);
    path = path ? part + '>' + path : part;
    if (element.id) break;
    node = element.parentNode;
  }
  return path || undefined;
};

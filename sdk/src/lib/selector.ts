/** Attribution targets are labels in dashboards: short enough to read, bounded on the wire. */
const MAX_SELECTOR = 100;

/**
 * A short CSS-like selector for an element: its tag with its id, else its first class
 * (`button#buy`, `img.hero`). Text content is never read, so no user data leaves the page.
 */
export const selector = (node: Node | null | undefined): string | undefined => {
  if (node && node.nodeType == 1) {
    const { localName, id, classList } = node as Element;
    return (localName + (id ? '#' + id : classList[0] ? '.' + classList[0] : '')).slice(
      0,
      MAX_SELECTOR,
    );
  }
};

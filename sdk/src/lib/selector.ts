/** Attribution targets are labels in dashboards: short enough to read, bounded on the wire. */
const MAX_SELECTOR = 100;

/** Ancestors walked at most: enough to tell `div.card>img` from `header>img`. */
const MAX_DEPTH = 3;

/**
 * A short CSS-like selector for an element, upwards from it until an id anchors it or three
 * levels are named: `div#cart>button.buy`. Each level names the tag with its id, else its first
 * class. Text content is never read, so no user data leaves the page through a selector.
 */
export const selector = (node: Node | null | undefined): string | undefined => {
  let path = '';
  for (let depth = 0; depth < MAX_DEPTH && node?.nodeType == 1; depth++) {
    const { localName, id, classList } = node as Element;
    path =
      localName + (id ? '#' + id : classList[0] ? '.' + classList[0] : '') + (path && '>' + path);
    if (id) break;
    node = node.parentNode;
  }
  return path.slice(-MAX_SELECTOR) || undefined;
};

/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * DOM writes that happen only when the value changed: a live update then touches a handful of
 * nodes instead of re-laying out the page, which is what keeps each update far below a long task.
 */

export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

export function setAttribute(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** Replaces the rating class (good / needs-improvement / poor) of an element. */
export function setBand(element: Element, band: string): void {
  for (const name of ['good', 'needs-improvement', 'poor']) {
    if (name !== band && element.classList.contains(name)) element.classList.remove(name);
  }
  if (band !== '' && !element.classList.contains(band)) element.classList.add(band);
}

export function setWidth(element: HTMLElement, share: number): void {
  const width = `${(share * 100).toFixed(1)}%`;
  if (element.style.width !== width) element.style.width = width;
}

/** Finds a required element; the page skeleton always has it. */
export function required<T extends Element>(root: ParentNode, selector: string): T {
  const element = root.querySelector<T>(selector);
  if (element === null) throw new Error(`dashboard skeleton lacks ${selector}`);
  return element;
}

/** Makes a select list these options, keeping the current choice when it still exists. */
export function setOptions(select: HTMLSelectElement, options: ReadonlyArray<[string, string]>) {
  const current = [...select.options].map((option) => `${option.value}\n${option.text}`).join('\n');
  const wanted = options.map(([value, text]) => `${value}\n${text}`).join('\n');
  if (current === wanted) return;
  const selected = select.value;
  select.replaceChildren(...options.map(([value, text]) => new Option(text, value)));
  if (options.some(([value]) => value === selected)) select.value = selected;
}

/**
 * A region of the page rebuilt from `content` only when the data it shows changed: lists whose
 * length varies (culprits, error groups) are simpler rebuilt whole than patched, and an
 * unchanged answer, the usual case between two polls, then costs no DOM write at all.
 */
export function rebuiltRegion<T>(root: Element, content: (data: T) => Node[]) {
  let shown: string | undefined;
  return (data: T): void => {
    const key = JSON.stringify(data);
    if (key === shown) return;
    shown = key;
    root.replaceChildren(...content(data));
  };
}

/** Attributes and listeners for {@link h}: `on*` functions become listeners, the rest attributes; `false`/`undefined` are skipped. */
export type Props = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** A child: an element, text, or nothing. */
export type Child = Node | string | number | null | undefined | false;

/**
 * Makes an element. Text children are set as text, never parsed as HTML, so user data cannot inject markup.
 *
 * @example
 * h('button', { type: 'button', onclick: () => save() }, 'Save')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/** Appends children, skipping empty ones. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Polite live-region announcement for screen readers (the element exists in index.html). */
export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (region) region.textContent = text;
}

/** Shows a failure the user must know about (role=alert, in index.html) until the next one or a dismissal. */
export function showError(text: string): void {
  const region = document.getElementById('errors');
  if (!region) return;
  const close = h('button', { type: 'button', onclick: () => region.replaceChildren() }, 'Dismiss');
  region.replaceChildren(h('p', {}, text), close);
}

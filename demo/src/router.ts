import { h } from './dom.ts';

/** One page of the demo, reachable by its own URL (deep links work offline through the SW's navigation fallback). */
export interface Route {
  readonly path: string;
  readonly label: string;
  readonly view: HTMLElement;
}

/**
 * A tiny history router: nav links switch pages without a reload, back/forward work, and
 * focus moves to the new page's heading so keyboard and screen-reader users land on it.
 */
export function mountRouter(main: HTMLElement, nav: HTMLElement, routes: readonly Route[]): void {
  const notFound = h(
    'section',
    { 'aria-labelledby': 'nf-title' },
    h('h1', { id: 'nf-title' }, 'Page not found'),
    h('p', {}, h('a', { href: '/', 'data-link': true }, 'Go to the start page')),
  );
  const pages = [...routes.map((r) => r.view), notFound];
  for (const p of pages) {
    p.hidden = true;
    main.appendChild(p);
  }
  const links = routes.map((r) => h('a', { href: r.path, 'data-link': true }, r.label));
  nav.replaceChildren(h('ul', { class: 'plain nav' }, ...links.map((a) => h('li', {}, a))));

  const show = (path: string, moveFocus: boolean): void => {
    const route = routes.find((r) => r.path === path);
    const page = route?.view ?? notFound;
    for (const p of pages) p.hidden = p !== page;
    links.forEach((a, i) => {
      if (routes[i] === route) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    document.title = `${route?.label ?? 'Not found'} · Outbox demo`;
    const heading = page.querySelector('h1');
    if (moveFocus && heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  };
  document.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a[data-link]');
    if (!(a instanceof HTMLAnchorElement) || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    if (a.pathname !== location.pathname) history.pushState(null, '', a.pathname);
    show(a.pathname, true);
  });
  addEventListener('popstate', () => show(location.pathname, true));
  show(location.pathname, false);
}

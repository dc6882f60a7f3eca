import type { WorkerConnection } from './worker-connection.ts';

/**
 * Relays page-only signals to the worker, which gets no such events: `online`/`offline`,
 * `visibilitychange`, and a fire-and-forget flush on `pagehide`. The current visibility
 * (and offline, when the browser says so) is sent again after each worker start.
 * `navigator.onLine === true` alone is not trusted (a successful request is), so it is not sent at start.
 * Returns a function that removes the listeners.
 */
export function relayPageSignals(connection: WorkerConnection): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  const ignore = (): void => {};
  const send = (method: 'setOnline' | 'setVisible', value: boolean): void => {
    if (connection.closed) return;
    connection.call(method, (r) => r[method](value)).catch(ignore);
  };
  const onOnline = (): void => send('setOnline', true);
  const onOffline = (): void => send('setOnline', false);
  const onVisibility = (): void => send('setVisible', document.visibilityState === 'visible');
  const onPageHide = (): void => {
    if (!connection.closed) connection.call('flush', (r) => r.flush(), true).catch(ignore);
  };
  connection.onStart(() => {
    onVisibility();
    if (navigator.onLine === false) onOffline();
  });
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', onPageHide);
  return () => {
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', onPageHide);
  };
}

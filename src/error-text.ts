/** Free-form details carried by an error; plain data so it crosses threads. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** A detail as it reads in a message; '?' when absent. */
export const str = (v: unknown): string => (v === undefined ? '?' : typeof v === 'string' ? v : JSON.stringify(v));

/** " at 'a.b'" for a details.path, or nothing. */
export const at = (d: ErrorDetails): string => (Array.isArray(d.path) && d.path.length > 0 ? ` at '${d.path.join('.')}'` : '');

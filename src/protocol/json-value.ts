import { z } from 'zod';

/** A JSON value: what documents and write values may hold (they cross the wire as JSON). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Zod schema for {@link JsonValue}; rejects NaN/Infinity, undefined, functions, Dates, class instances. */
export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number().refine(Number.isFinite, 'must be a finite number'),
    z.string(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

import { z } from 'zod';
import { defineCollection } from '../../src/core/docs/define-collection.ts';

/** Preferences (one document, key 'me'): latest state wins; a later write to the same key replaces an unsent one. */
export const prefs = defineCollection({
  name: 'prefs',
  schema: z.strictObject({
    theme: z.enum(['light', 'dark']),
    textSize: z.enum(['small', 'medium', 'large']),
    privacy: z.strictObject({ analytics: z.boolean(), readReceipts: z.boolean(), showOnline: z.boolean() }),
  }),
});

/** One document per onboarding step (key = step id), so two devices ticking different steps never conflict. */
export const progress = defineCollection({
  name: 'progress',
  schema: z.strictObject({ done: z.boolean(), at: z.number().int().nonnegative() }),
});

/** Notes: append-only; every entry is kept and sent in order, never coalesced. Keys sort by time. */
export const notes = defineCollection({
  name: 'notes',
  kind: 'append',
  schema: z.strictObject({ text: z.string().min(1).max(100_000), at: z.number().int().nonnegative(), device: z.string() }),
});

/** Expandable cards: open/closed state per card id. */
export const cards = defineCollection({
  name: 'cards',
  schema: z.strictObject({ open: z.boolean() }),
});

/** Every collection of the demo, as the worker and the service worker register them. */
export const demoCollections = { prefs, progress, notes, cards } as const;

/** The demo's collection map (type only on the page: the page bundle holds no zod). */
export type DemoCollections = typeof demoCollections;

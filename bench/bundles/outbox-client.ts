// What a page imports from Outbox: the client (the worker and its zod live in the worker bundle).
export { createOutbox } from '../../src/index.ts';

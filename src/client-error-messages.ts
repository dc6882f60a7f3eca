import { type ErrorDetails, str } from './error-text.ts';

/**
 * The part of the error table for codes the page client raises itself. The page bundle
 * carries only these texts; every other error reaches the page from the worker with its
 * message already written (src/protocol/error-transfer.ts). Spread into `errorMessages`.
 */
export const clientErrorMessages = {
  'worker-unavailable': (d: ErrorDetails) =>
    `The Outbox worker stopped during '${str(d.method)}' and is being restarted; repeat the call (resolved writes are safe).`,
  'call-timeout': (d: ErrorDetails) =>
    `No answer from the Outbox worker to '${str(d.method)}' within ${str(d.ms)} ms. Repeat it; a worker that keeps not answering is restarted.`,
  'journal-unavailable': (d: ErrorDetails) =>
    `Cannot journal ${str(d.count)} unfinished write(s) (${str(d.reason)}); they are lost if the page goes away first. Use localStorage; free some if full.`,
  'flush-timeout': (d: ErrorDetails) =>
    `Writes not all sent within ${str(d.ms)} ms (offline or server down); they stay queued and are sent later.`,
  closed: (d: ErrorDetails) => `This outbox was closed (${str(d.what)}). Create a new one to keep working.`,
} satisfies Record<string, (d: ErrorDetails) => string>;

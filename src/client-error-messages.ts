import { type ErrorDetails, str } from './error-text.ts';

/**
 * The part of the error table for codes the page client raises itself. The page bundle
 * carries only these texts; every other error reaches the page from the worker with its
 * message already written (src/protocol/error-transfer.ts). Spread into `errorMessages`.
 */
export const clientErrorMessages = {
  'worker-unavailable': (d: ErrorDetails) =>
    `The Outbox worker stopped responding during '${str(d.method)}'. A new worker is being started; repeat the call (writes that had resolved are safe).`,
  'call-timeout': (d: ErrorDetails) =>
    `The call '${str(d.method)}' got no answer from the Outbox worker within ${str(d.ms)} ms. Repeat it; if it keeps timing out the worker is being restarted.`,
  'journal-unavailable': (d: ErrorDetails) =>
    `Cannot journal ${str(d.count)} unfinished write(s) (${str(d.reason)}); they are lost if the page goes away first. Use localStorage; free some if full.`,
  'flush-timeout': (d: ErrorDetails) =>
    `Writes not all sent within ${str(d.ms)} ms (offline or server down); they stay queued and are sent later.`,
  closed: (d: ErrorDetails) => `This outbox was closed (${str(d.what)}). Create a new one to keep working.`,
} satisfies Record<string, (d: ErrorDetails) => string>;

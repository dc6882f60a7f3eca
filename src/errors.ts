import { type ErrorCode, type ErrorDetails, errorMessages } from './error-messages.ts';
import { isOutboxError, OutboxError, useErrorMessages } from './outbox-error.ts';

// Everything that imports OutboxError from here (worker, service worker, server) gets the full texts.
useErrorMessages(errorMessages);

export type { ErrorCode, ErrorDetails };
export { isOutboxError, OutboxError };

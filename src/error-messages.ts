/**
 * Every error text Outbox produces, keyed by its stable code: ONE table, the texts of the
 * codes the page client raises itself (`client-error-messages.ts`) plus all the others.
 *
 * Codes are part of the public contract (tests, apps and servers branch on
 * them); texts are not. Each text says what happened, to what, and what to do.
 * Keyed by the {@link ErrorCode} union so the compiler checks the table is complete.
 */
import { clientErrorMessages } from './client-error-messages.ts';
import { at, type ErrorDetails, str } from './error-text.ts';

export type { ErrorDetails };

export const errorMessages = {
  ...clientErrorMessages,
  // --- local store -------------------------------------------------------
  'invalid-value': (d: ErrorDetails) =>
    `The value for '${str(d.collection)}/${str(d.key)}' does not match the collection's schema${at(d)}: ${str(d.issue)}. Fix the value; nothing was written.`,
  'unknown-collection': (d: ErrorDetails) =>
    `There is no collection named '${str(d.collection)}'. Declare it with defineCollection() and pass it to the worker's collections.`,
  'invalid-key': (d: ErrorDetails) =>
    `The key ${str(d.key)} is not valid: it ${str(d.issue)}. Keys are 1–${str(d.max)} UTF-16 code units of well-formed Unicode without U+0000. Nothing was written.`,
  'invalid-write-id': (d: ErrorDetails) =>
    `The write id '${str(d.id)}' given with a put or delete is not valid: ${str(d.issue)}. Leave the id to the client (createOutbox chooses one per write); nothing was written.`,
  'journal-invalid': (d: ErrorDetails) =>
    `The page's journal of unfinished writes could not be read (${str(d.issue)}). It was removed; writes made just before the page last went away may be lost.`,
  'value-too-deep': (d: ErrorDetails) =>
    `The value for '${str(d.collection)}/${str(d.key)}' nests arrays and objects deeper than the limit of ${str(d.limit)} levels (or holds a cycle). Flatten it (e.g. store a deep structure as a JSON string); nothing was written.`,
  'too-large': (d: ErrorDetails) =>
    `The document '${str(d.collection)}/${str(d.key)}' is ${str(d.bytes)} bytes, over the limit of ${str(d.limit)} bytes. Split it or raise maxDocBytes; nothing was written.`,
  'quota-exceeded': (d: ErrorDetails) =>
    `The browser refused to store more data (quota exceeded) while writing ${str(d.count)} write(s). Nothing from this group was written and earlier writes are intact; free space (export, clear a collection) and try again.`,
  'database-closed': (d: ErrorDetails) =>
    `The database '${str(d.name)}' is closed. Open a new outbox (or reload the page) and repeat the call.`,
  'version-error': (d: ErrorDetails) =>
    `The database '${str(d.name)}' on disk is newer (version ${str(d.found)}) than this code knows (${str(d.expected)}). Load the newer app version.`,
  'upgrade-blocked': (d: ErrorDetails) =>
    `Upgrading the database '${str(d.name)}' is blocked by another open tab with an older version. Close the other tabs of this app and reload.`,
  'storage-failed': (d: ErrorDetails) =>
    `The browser's storage failed during '${str(d.operation)}': ${str(d.reason)}. Nothing from this operation was written; try again, and report it if it repeats.`,
  'migration-failed': (d: ErrorDetails) =>
    `Migrating collection '${str(d.collection)}' from version ${str(d.from)} to ${str(d.to)} failed on key '${str(d.key)}': ${str(d.reason)}. The old data is untouched; fix migrate() and reload.`,
  'record-quarantined': (d: ErrorDetails) =>
    `A record of store '${str(d.store)}' (key ${str(d.key)}) read back from the database is not in the shape this code stores (${str(d.reason)}). It was set aside in the quarantine, as it was read, and everything else goes on; export the data to inspect it, and write the document again if it is still wanted.`,
  'pulled-doc-invalid': (d: ErrorDetails) =>
    `The pulled document '${str(d.collection)}/${str(d.key)}' (server version ${str(d.version)}) does not match the collection's schema, even after migrate(): ${str(d.reason)}. It was not stored (the local copy is unchanged) and is listed in the quarantine; the pull went on. Fix the document on the server or the collection's migrate().`,
  'import-invalid': (d: ErrorDetails) => `The import file is not valid${at(d)}: ${str(d.issue)}. Nothing was imported.`,
  'pending-writes': (d: ErrorDetails) =>
    `Collection '${str(d.collection)}' has ${str(d.count)} pending write(s) not yet synced. Wait for sync (flush()) or call clear with { discardPending: true } to discard them knowingly.`,
  'not-found': (d: ErrorDetails) =>
    `No ${str(d.kind)} with id '${str(d.id)}' exists. List them again; it may have been retried or discarded already.`,
  'invalid-config': (d: ErrorDetails) =>
    `The Outbox configuration is invalid${at(d)}: ${str(d.issue)}. Fix the options passed at start.`,
  // --- runtime -----------------------------------------------------------
  'sync-incomplete': (d: ErrorDetails) =>
    `The service worker's sync pass left ${str(d.remaining)} write(s) in database '${str(d.db)}' (${str(d.reason)}). They stay queued; the browser retries the sync event and open pages keep draining.`,
  // --- sync (client side) ------------------------------------------------
  'network-error': (d: ErrorDetails) =>
    `The server at ${str(d.url)} could not be reached: ${str(d.reason)}. Writes stay queued and are retried automatically.`,
  'request-timeout': (d: ErrorDetails) =>
    `The server at ${str(d.url)} did not answer within ${str(d.ms)} ms. Writes stay queued and are retried automatically.`,
  'server-error': (d: ErrorDetails) =>
    `The server answered ${str(d.status)} to ${str(d.url)}. Writes stay queued and are retried automatically.`,
  'auth-required': (d: ErrorDetails) =>
    `The server refused the credentials (${str(d.reason)}). Sync is paused with writes kept; sign in again and call setAuth() to resume.`,
  'push-rejected': (d: ErrorDetails) =>
    `The server rejected write ${str(d.writeId)} to '${str(d.collection)}/${str(d.key)}' (${str(d.serverCode)}: ${str(d.serverMessage)}). It is kept in the dead-letter store: edit and retry it, or discard it.`,
  'retention-expired': (d: ErrorDetails) =>
    `Write ${str(d.writeId)} kept failing for longer than the retention of ${str(d.retentionMs)} ms and was moved to the dead-letter store. Retry it or discard it.`,
  'protocol-error': (d: ErrorDetails) =>
    `The server's answer to ${str(d.url)} does not follow the Outbox protocol${at(d)}: ${str(d.issue)}. Check that the server speaks protocol version ${str(d.expected)}.`,
  'dead-lettered': (d: ErrorDetails) =>
    `${str(d.count)} write(s) could not be synced and were moved to the dead-letter store. Inspect them (listDeadLetters) to retry or discard.`,
  'discarded-by-user': (d: ErrorDetails) =>
    `Write ${str(d.writeId)} to '${str(d.collection)}/${str(d.key)}' was discarded by the app before it was synced. It is kept in the dead-letter store: retry it or discard it for good.`,
  'batch-too-large': (d: ErrorDetails) =>
    `Write ${str(d.writeId)} to '${str(d.collection)}/${str(d.key)}' (${str(d.bytes)} bytes) is too large for the server even when sent alone (413). It is kept in the dead-letter store: shrink it and retry, or discard it.`,
  'conflict-merge-failed': (d: ErrorDetails) =>
    `The merge function of collection '${str(d.collection)}' failed on '${str(d.key)}': ${str(d.reason)}. The local write ${str(d.writeId)} is kept in the dead-letter store; fix merge() and retry it.`,
  // --- server (wire codes) -----------------------------------------------
  'malformed-json': () => `The request body is not valid JSON. Send a JSON document.`,
  'invalid-request': (d: ErrorDetails) => `The request is not valid${at(d)}: ${str(d.issue)}. Fix the field and send again.`,
  'unknown-field': (d: ErrorDetails) => `The request has a field the protocol does not define${at(d)}. Remove it and send again.`,
  'too-many-writes': (d: ErrorDetails) =>
    `The batch holds ${str(d.count)} writes, over the server's limit of ${str(d.limit)}. Send smaller batches.`,
  'body-too-large': (d: ErrorDetails) =>
    `The request body is over the server's limit of ${str(d.limit)} bytes. Send smaller batches.`,
  'document-too-large': (d: ErrorDetails) =>
    `The document '${str(d.collection)}/${str(d.key)}' is ${str(d.bytes)} bytes, over the server's limit of ${str(d.limit)} bytes.`,
  'unsupported-media-type': (d: ErrorDetails) =>
    `The request's content type '${str(d.contentType)}' is not supported. Send 'application/json'.`,
  'unsupported-protocol-version': (d: ErrorDetails) =>
    `Protocol version ${str(d.version)} is not supported; this server speaks ${str(d.supported)}. Update the client or the server.`,
  'token-missing': () =>
    `The request has no bearer token. Get one from POST /v1/session and send 'Authorization: Bearer <token>'.`,
  'token-invalid': () => `The bearer token is not valid (bad signature or format). Get a new one from POST /v1/session.`,
  'token-expired': (d: ErrorDetails) => `The bearer token expired at ${str(d.expiredAt)}. Get a new one from POST /v1/session.`,
  'client-id-taken': (d: ErrorDetails) =>
    `The client id '${str(d.clientId)}' belongs to another user. Each database must use its own random client id.`,
  'rate-limited': (d: ErrorDetails) =>
    `Too many requests for this user. Wait ${str(d.retryAfterS)} s (Retry-After) before sending again.`,
  'session-rate-limited': (d: ErrorDetails) =>
    `Too many new sessions from this address. Wait ${str(d.retryAfterS)} s (Retry-After) before asking for another, and keep using the token you already have.`,
  'client-aborted': () =>
    `The client closed the connection before its request body arrived in full. Nothing from this request was applied; send it again.`,
  'stale-sequence': (d: ErrorDetails) =>
    `Write ${str(d.writeId)} has sequence ${str(d.seq)}, not above the highest already processed for this client (${str(d.highest)}), and was never seen before. Re-enqueue it as a new write.`,
  'write-expired': (d: ErrorDetails) =>
    `Write ${str(d.writeId)} (sequence ${str(d.seq)}) is at or below this client's sequence ${str(d.prunedSeq)}, up to which the server has forgotten which writes it processed (past its retention horizon). It may have been applied long ago, so it was not applied again. Check the document and write it anew if it is still wanted.`,
  'cursor-expired': (d: ErrorDetails) =>
    `The pull cursor ${str(d.cursor)} is older than deletions the server has since forgotten (up to change ${str(d.prunedChangeId)}, past its retention horizon), so pulling from it could miss them. Pull again from the beginning (cursor 0) and drop local documents the server no longer has.`,
  'route-not-found': (d: ErrorDetails) => `There is no endpoint ${str(d.method)} ${str(d.path)}. See docs/PROTOCOL.md.`,
  'service-unavailable': (d: ErrorDetails) => `The server is ${str(d.reason)}. Retry later.`,
  'internal-error': (d: ErrorDetails) =>
    `The server failed unexpectedly (request ${str(d.requestId)}). Retry later; the batch was not half-applied.`,
} satisfies Record<string, (d: ErrorDetails) => string>;

/** A stable, kebab-case error code. Branch on this, never on the message. */
export type ErrorCode = keyof typeof errorMessages;

/** Whether a string is one of the known error codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorMessages, code);
}

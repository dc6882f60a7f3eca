/** Builds the Outbox DevTools extension scripts into dist/extension. */
export declare function buildExtension(): Promise<void>;

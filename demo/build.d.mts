/** Absolute path of the built demo (dist/demo). */
export declare const DEMO_DIST: string;
/** Whether dist/demo is missing or older than any of its sources. */
export declare function demoIsStale(): boolean;
/** Builds the demo into dist/demo. */
export declare function buildDemo(): Promise<{ outDir: string; manifest: { url: string; revision: string }[] }>;

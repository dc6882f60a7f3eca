export declare const PAGE_BUNDLE_BUDGET_BYTES: number;
export interface PageBundleChunk {
  readonly file: string;
  readonly min: number;
  readonly gzip: number;
  readonly entry: boolean;
  readonly modules: readonly string[];
}
/** Builds the page entry in memory and measures each chunk. */
export declare function measurePageBundle(): Promise<PageBundleChunk[]>;

/** Types of bench/generate.mjs, for the tests that use the generator. */
export declare const GENERATOR_VERSION: number;

export interface Rng {
  next(): number;
  int(n: number): number;
  range(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

export declare function rng(seed: number): Rng;

/** A CloudFormation template (intrinsics in short form), as YAML or JSON text. */
export declare function templateText(seed: number, targetBytes: number, format: 'yaml' | 'json'): string;

export interface CorpusStats {
  files: number;
  bytes: number;
  byKind: Record<string, { files: number; bytes: number }>;
}

export declare function generateCorpus(opts: { out: string; scale?: number; seed?: number }): CorpusStats;

/** The corpus of a seed and scale under `base`, generated on first use and reused while the generator is unchanged. */
export declare function cachedCorpus(base: string, scale: number, seed: number): CorpusStats & { dir: string; generated: boolean };

/** Every file of a corpus directory, sorted, without the generator's stamp. */
export declare function corpusFiles(dir: string): string[];

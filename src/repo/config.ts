// octosync.yaml: what the snapshotter reads. Parsed from contents; only commands read files.
import type { Json, KindName } from '../core/document.js';
import type { SchemaSet } from '../validate/schemas.js';
import { formatYaml, parseYaml } from './yaml.js';
import { CONFIG_FILE, schemaReference } from './layout.js';

export type SecretRef = { env: string } | { file: string };

export interface Exclusion {
  kind: KindName;
  name?: string;
  space?: string;
}

export interface RepoConfig {
  source: { server: string; apiKey?: SecretRef; branch?: string };
  spaces?: string[];
  kinds?: KindName[];
  exclude?: Exclusion[];
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = 'ConfigError';
  }
}

export function parseRepoConfig(text: string, schemas: SchemaSet, file = CONFIG_FILE): RepoConfig {
  const parsed = parseYaml(text, file);
  const issues = schemas.validate('octosync', parsed.value);
  const [first] = issues;
  if (first) throw new ConfigError(`${first.pointer || '/'} ${first.message}`, file, parsed.lineOf(first.pointer));
  return parsed.value as unknown as RepoConfig;
}

export function formatRepoConfig(config: RepoConfig): string {
  return formatYaml(config as unknown as Json, schemaReference(CONFIG_FILE, 'octosync'));
}

/** Whether an exclusion matches a resource: names compare case-insensitively, `*` is a wildcard. */
export function isExcluded(exclusions: readonly Exclusion[], space: string, kind: KindName, name: string): boolean {
  return exclusions.some(
    (rule) =>
      rule.kind === kind &&
      (rule.space === undefined || rule.space.toLowerCase() === space.toLowerCase()) &&
      (rule.name === undefined || wildcard(rule.name).test(name)),
  );
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

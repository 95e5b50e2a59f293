// octosync.yaml: what the snapshotter reads. Parsed from contents; only commands read files.
import type { Json, KindName } from '../core/document.js';
import type { Exclusion } from '../core/exclusions.js';

export type { Exclusion };
import type { SchemaSet } from '../validate/schemas.js';
import { formatYaml, parseYaml } from './yaml.js';
import { CONFIG_FILE, schemaReference } from './layout.js';

export type SecretRef = { env: string } | { file: string };

export interface RepoConfig {
  source: { server: string; apiKey?: SecretRef; branch?: string };
  spaces?: string[];
  kinds?: KindName[];
  exclude?: Exclusion[];
  snapshot?: { allowLargeRemoval?: boolean; largeRemovalShare?: number; gitHeldParts?: boolean };
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

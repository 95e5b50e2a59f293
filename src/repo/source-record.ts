// `source.yaml`: what the source server was at the last snapshot (its version, Octopus Cloud or
// self-hosted, whether it has the scoped tenant variable API). Written by `snapshot`, only
// changing when the server does; read by `plan` to compare a destination with the source the
// repository came from. Parsers take contents.
import type { Json } from '../core/document.js';
import { formatYaml, parseYaml } from './yaml.js';

export const SOURCE_FILE = 'source.yaml';

export interface SourceRecord {
  /** The source's Octopus Server version (`GET /api` `Version`). */
  version: string;
  flavour: 'cloud' | 'self-hosted';
  tenantVariableScoping: boolean;
}

export function formatSourceRecord(record: SourceRecord): string {
  const body: Json = { version: record.version, flavour: record.flavour, tenantVariableScoping: record.tenantVariableScoping };
  return `# Written by octosync snapshot: the source server at the last snapshot. Do not edit.\n${formatYaml(body)}`;
}

/** The record, or undefined when the file is missing or not one (a repository from before it existed). */
export function parseSourceRecord(text: string | undefined): SourceRecord | undefined {
  if (text === undefined) return undefined;
  const { value } = parseYaml(text, SOURCE_FILE);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { version, flavour, tenantVariableScoping } = value;
  if (typeof version !== 'string' || (flavour !== 'cloud' && flavour !== 'self-hosted') || typeof tenantVariableScoping !== 'boolean') return undefined;
  return { version, flavour, tenantVariableScoping };
}

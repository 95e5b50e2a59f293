// destinations/<name>.yaml: where a destination is, what it follows, and what differs there.
import type { JsonObject } from '../core/document.js';
import type { OverlaySpec } from '../core/overlay.js';
import type { SecretSource } from '../core/secrets.js';
import type { SchemaSet } from '../validate/schemas.js';
import { ConfigError } from './config.js';
import type { Exclusion } from './config.js';
import { DESTINATIONS_DIR } from './layout.js';
import { parseYaml } from './yaml.js';

export interface Destination {
  name: string;
  server: string;
  apiKey: SecretSource;
  branch?: string;
  spaces?: Record<string, string>;
  exclude?: Exclusion[];
  prune?: boolean;
  allowLargeDeletes?: boolean;
  largeDeleteShare?: number;
  missingSecrets?: 'error' | 'placeholder';
  scopePolicy?: 'error' | 'drop';
  sync?: 'auto' | 'manual';
  drift?: 'ignore' | 'warn' | 'correct';
  /** Where the daemon posts notifications (see daemon/notifier.ts). */
  notify?: { webhook?: SecretSource };
  overlays?: OverlaySpec;
  /** Destination space name → the overlays of that space, instead of `overlays`. */
  spaceOverlays?: Record<string, OverlaySpec>;
  /** The repository's spaces this destination takes (default: all). */
  sourceSpaces?: string[];
  /** Create a destination space that does not exist (at apply, before anything else). */
  createSpaces?: boolean;
}

export function destinationFile(name: string): string {
  return `${DESTINATIONS_DIR}/${name}.yaml`;
}

export function parseDestination(name: string, text: string, schemas: SchemaSet): Destination {
  const file = destinationFile(name);
  const parsed = parseYaml(text, file);
  const [first] = schemas.validate('destination', parsed.value);
  if (first) throw new ConfigError(`${first.pointer || '/'} ${first.message}`, file, parsed.lineOf(first.pointer));
  return { ...(parsed.value as JsonObject as unknown as Omit<Destination, 'name'>), name };
}

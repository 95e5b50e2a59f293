// Which server a snapshot reads, and with which key: octosync.yaml's `source` (as committed on the
// source branch, else at HEAD), which flags only override. A snapshot of another server than the
// configured one would commit its configuration over the source's (removals included), so a
// different `--source` is refused unless the switch is asked for.
import type { RepoConfig, SecretRef } from '../repo/config.js';
import { CONFIG_FILE } from '../repo/layout.js';
import { OctosyncError } from './errors.js';
import { checkApiKey, secretFilePolicy, secretReader } from './secret-values.js';

export interface SourceFlags {
  /** `--source`: the server to snapshot. */
  server?: string;
  /** `--api-key-env`: where its key is. */
  apiKeyEnv?: string;
  /** `--switch-source`: snapshot a server other than the configured one, and record it as the source. */
  switchSource?: boolean;
}

export interface SnapshotSource {
  server: string;
  apiKey: string;
  /** Where the key came from, recorded in a new octosync.yaml. */
  apiKeyEnv?: string;
  /** The configured source is replaced by `server`. */
  switching: boolean;
}

export const DEFAULT_API_KEY_ENV = 'OCTOPUS_API_KEY';

export async function snapshotSource(config: RepoConfig | undefined, flags: SourceFlags, context: { env: NodeJS.ProcessEnv; stateDir: string; secretDirs?: string[] }): Promise<SnapshotSource> {
  const configured = config?.source.server;
  const server = flags.server ?? configured;
  if (!server) throw new OctosyncError('config-invalid', `no source to snapshot: there is no ${CONFIG_FILE} yet, so pass --source <url> (and --api-key-env) for the first snapshot`);
  const switching = configured !== undefined && sameServer(configured, server) === false;
  if (switching && !flags.switchSource) {
    throw new OctosyncError(
      'config-invalid',
      `--source ${server} is not the configured source (${CONFIG_FILE}: ${configured}): a snapshot of another server would replace the source's configuration in the repository. Nothing was read or written; pass --switch-source to make ${server} the source.`,
      { configured, requested: server },
    );
  }
  // The key: a flag, else the configured reference (unless the source changes), else OCTOPUS_API_KEY.
  const reference: SecretRef = flags.apiKeyEnv ? { env: flags.apiKeyEnv } : (!switching && config?.source.apiKey) || { env: DEFAULT_API_KEY_ENV };
  const usedFor = `the API key of the source ${server}`;
  const secrets = secretReader(context.env, secretFilePolicy(context));
  const apiKey = checkApiKey(
    await secrets.read(reference, usedFor).catch((error: unknown) => {
      throw new OctosyncError('missing-api-key', (error as Error).message, { server });
    }),
    reference,
    usedFor,
  );
  return { server, apiKey, ...('env' in reference ? { apiKeyEnv: reference.env } : {}), switching };
}

/** Two spellings of one server: scheme and host in any case, with or without a trailing slash. */
export function sameServer(a: string, b: string): boolean {
  const normalize = (url: string) => {
    try {
      const parsed = new URL(url);
      return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`.toLowerCase();
    } catch {
      return url.replace(/\/+$/, '').toLowerCase();
    }
  };
  return normalize(a) === normalize(b);
}

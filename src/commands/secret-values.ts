// Reading secrets from where overlays say they are: environment variables and files. The only
// place octosync touches a secret's value; it is never logged, printed or returned in an error.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SecretSource } from '../core/secrets.js';
import { describeSource } from '../core/plan.js';

export class SecretUnavailableError extends Error {
  constructor(
    readonly source: string,
    readonly usedFor: string,
  ) {
    super(`${source} (the secret for ${usedFor}) is not available: ${source.startsWith('env:') ? 'the environment variable is not set' : 'the file cannot be read'}`);
    this.name = 'SecretUnavailableError';
  }
}

export interface SecretReader {
  read(source: SecretSource, usedFor: string): Promise<string>;
}

/** Reads from the given environment and from files relative to `baseDir`. Trailing newlines of files are dropped. */
export function secretReader(env: NodeJS.ProcessEnv, baseDir: string): SecretReader {
  return {
    read: async (source, usedFor) => {
      if ('env' in source) {
        const value = env[source.env];
        if (value === undefined || value === '') throw new SecretUnavailableError(describeSource(source), usedFor);
        return value;
      }
      try {
        return (await readFile(path.resolve(baseDir, source.file), 'utf8')).replace(/\r?\n$/, '');
      } catch {
        throw new SecretUnavailableError(describeSource(source), usedFor);
      }
    },
  };
}

/**
 * A digest that says whether a secret changed, without keeping it: an HMAC keyed by a random key
 * of the state directory, so digests in a status file cannot be guessed offline.
 */
export function secretDigest(key: Buffer, where: string, value: string): string {
  return createHmac('sha256', key).update(where).update('\u0000').update(value).digest('hex');
}

/** The state directory's digest key, created (readable by its owner only) on first use. */
export async function digestKey(stateDir: string): Promise<Buffer> {
  const file = path.join(stateDir, 'digest.key');
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(stateDir, { recursive: true });
  try {
    await writeFile(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process made it first
  }
  return readFile(file);
}

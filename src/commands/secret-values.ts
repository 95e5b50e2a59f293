// Reading secrets from where overlays say they are: environment variables and files. The only
// place octosync touches a secret's value; it is never logged, printed or returned in an error.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
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

/** A digest that says whether a secret changed, without keeping it (salted with where it is used). */
export function secretDigest(where: string, value: string): string {
  return createHash('sha256').update(where).update('\u0000').update(value).digest('hex');
}

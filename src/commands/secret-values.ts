// Reading secrets from where overlays say they are: environment variables and files. The only
// place octosync touches a secret's value; it is never logged, printed or returned in an error.
import { createHmac } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { SecretSource } from '../core/secrets.js';
import { describeSource } from '../core/plan.js';
import { redactSecrets } from '../octopus/index.js';

export class SecretUnavailableError extends Error {
  constructor(
    readonly source: string,
    readonly usedFor: string,
    readonly reason: string = source.startsWith('env:') ? 'the environment variable is not set' : 'the file cannot be read',
  ) {
    super(`${source} (the secret for ${usedFor}) is not available: ${reason}`);
    this.name = 'SecretUnavailableError';
  }
}

export interface SecretReader {
  read(source: SecretSource, usedFor: string): Promise<string>;
  /** Every value read so far: what must never appear in a message, a log or a status. */
  known(): readonly string[];
}

/** Where secret files may be read from, and how large they may be. */
export interface SecretFilePolicy {
  /** Directories (a relative `file:` is taken from the first one). */
  dirs: string[];
  maxBytes: number;
}

/** A secret file larger than this is refused (certificates are a few KiB; a key is a line). */
export const MAX_SECRET_FILE_BYTES = 1024 * 1024;

/**
 * Which directories secret files come from: `secretDirs` (the `--secrets-dir` flags), else the
 * environment's OCTOSYNC_SECRETS_DIRS (separated like PATH), else the state directory's
 * `secrets/` (inside the repository's git-ignored `.octosync/` by default) and `/run/secrets`
 * (where Docker and Kubernetes mount secrets). Never a setting of the repository: a change under
 * review must not be able to widen what octosync reads.
 */
export function secretFilePolicy(options: { stateDir: string; env: NodeJS.ProcessEnv; secretDirs?: readonly string[] }): SecretFilePolicy {
  const fromEnv = options.env.OCTOSYNC_SECRETS_DIRS?.split(path.delimiter).filter((dir) => dir !== '');
  const dirs = options.secretDirs?.length ? [...options.secretDirs] : fromEnv?.length ? fromEnv : [path.join(options.stateDir, 'secrets'), '/run/secrets'];
  return { dirs: dirs.map((dir) => path.resolve(dir)), maxBytes: MAX_SECRET_FILE_BYTES };
}

/** Reads from the given environment and from files the policy allows. Trailing newlines of files are dropped. */
export function secretReader(env: NodeJS.ProcessEnv, files: SecretFilePolicy): SecretReader {
  const values = new Set<string>();
  const remember = (value: string) => {
    values.add(value);
    return value;
  };
  return {
    read: async (source, usedFor) => {
      if ('env' in source) {
        const value = env[source.env];
        if (value === undefined || value === '') throw new SecretUnavailableError(describeSource(source), usedFor);
        return remember(value);
      }
      const why = (reason: string) => new SecretUnavailableError(describeSource(source), usedFor, reason);
      return remember((await readSecretFile(source.file, files, why)).replace(/\r?\n$/, ''));
    },
    known: () => [...values],
  };
}

/** Lines of a multi-line secret at least this long are redacted on their own too. */
const SECRET_LINE_MINIMUM = 8;

/**
 * `text` without any of `secrets`, in the forms a message may carry them: as they are, escaped
 * inside a JSON string (a server's error quoting the request body), and line by line for a
 * multi-line secret (a certificate). API keys are redacted by their shape too.
 */
export function redactKnownSecrets(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    for (const line of secret.split(/\r?\n/)) if (line.trim().length >= SECRET_LINE_MINIMUM) forms.add(line.trim());
  }
  // Longest first, so a secret's line is never redacted before the whole secret is.
  return redactSecrets(text, [...forms].sort((a, b) => b.length - a.length));
}

/** The error with `redact` applied to its message and stack (kept as the same object and class). */
export function redactError<T>(error: T, redact: (text: string) => string): T {
  if (!(error instanceof Error)) return error;
  error.message = redact(error.message);
  if (error.stack) error.stack = redact(error.stack);
  // What the error carries besides (a server's ErrorMessage and Errors, the cause).
  for (const key of Object.keys(error)) {
    const value: unknown = Reflect.get(error, key);
    if (typeof value === 'string') Reflect.set(error, key, redact(value));
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) Reflect.set(error, key, value.map(redact));
  }
  if (error.cause !== undefined) redactError(error.cause, redact);
  return error;
}

/**
 * A secret file's text: resolved through links, inside an allowed directory, a regular file (a
 * device or a pipe is never opened for reading), no larger than the limit.
 */
async function readSecretFile(file: string, policy: SecretFilePolicy, why: (reason: string) => Error): Promise<string> {
  const wanted = path.resolve(policy.dirs[0] ?? '.', file);
  let real: string;
  try {
    real = await realpath(wanted);
  } catch (error) {
    throw why(fileError(wanted, error));
  }
  const roots = (await Promise.all(policy.dirs.map((dir) => realpath(dir).catch(() => undefined)))).filter((dir): dir is string => dir !== undefined);
  if (!roots.some((root) => real.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`))) {
    const shown = real === wanted ? wanted : `${wanted} (${real})`;
    throw why(`${shown} is outside the directories secrets may be read from (${policy.dirs.join(', ')}); allow its directory with --secrets-dir or OCTOSYNC_SECRETS_DIRS`);
  }
  let handle;
  try {
    // Non-blocking, so that a pipe cannot hold the open; it is refused below like any non-file.
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    throw why(fileError(real, error));
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw why(`${real} is not a regular file`);
    if (stats.size > policy.maxBytes) throw why(`${real} is larger than ${policy.maxBytes} bytes (${stats.size})`);
    const buffer = Buffer.alloc(policy.maxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > policy.maxBytes) throw why(`${real} is larger than ${policy.maxBytes} bytes`);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function fileError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${file} does not exist`;
  if (code === 'EACCES' || code === 'EPERM') return `${file} cannot be read (permission denied)`;
  if (code === 'ELOOP') return `${file} is a link, which is not followed here`;
  return `${file} cannot be read (${code ?? (error as Error).message})`;
}

/**
 * An API key as read, or an error naming where it came from: a value an HTTP header cannot carry
 * (a binary file, several lines) is not sent, since it is not a key and the server would only
 * drop the connection.
 */
export function checkApiKey(value: string, source: SecretSource, usedFor: string): string {
  if (/^[\x21-\x7e]+$/.test(value)) return value;
  throw new SecretUnavailableError(describeSource(source), usedFor, 'what it holds is not an API key (it has spaces, line breaks or characters a request header cannot carry)');
}

/**
 * A digest that says whether a secret changed, without keeping it: an HMAC keyed by a random key
 * of the state directory, so digests in a status file cannot be guessed offline.
 */
export function secretDigest(key: Buffer, where: string, value: string): string {
  return createHmac('sha256', key).update(where).update('\u0000').update(value).digest('hex');
}

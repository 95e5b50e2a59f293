// The key of secret digests (see commands/secret-values.ts secretDigest): random, per state
// directory, readable by its owner only, so digests kept in a status file cannot be guessed
// offline. Digests only say whether a secret changed since it was set; a plan never needs them.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureStateDir } from './state-dir.js';

/** The state directory's digest key, created on first use. */
export async function digestKey(stateDir: string): Promise<Buffer> {
  const file = path.join(stateDir, 'digest.key');
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await ensureStateDir(stateDir);
  try {
    await writeFile(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process made it first
  }
  return readFile(file);
}

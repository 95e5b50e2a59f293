// Whether a destination is suspended (its reconciler applies nothing by itself, drift is only
// reported): a file in the destination's state folder, so a suspension outlives a restart.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureStateDir } from './state-dir.js';

export interface Suspension {
  since: string;
}

function suspensionFile(stateDir: string, destination: string): string {
  return path.join(stateDir, 'destinations', destination, 'suspended.json');
}

export async function readSuspension(stateDir: string, destination: string): Promise<Suspension | undefined> {
  try {
    return JSON.parse(await readFile(suspensionFile(stateDir, destination), 'utf8')) as Suspension;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A file cut short is still a suspension: applying by mistake is worse than waiting.
    return { since: 'unknown' };
  }
}

export async function writeSuspension(stateDir: string, destination: string, suspension: Suspension | undefined): Promise<void> {
  if (!suspension) {
    await rm(suspensionFile(stateDir, destination), { force: true });
    return;
  }
  await ensureStateDir(stateDir, 'destinations', destination);
  await writeFile(suspensionFile(stateDir, destination), JSON.stringify(suspension));
}

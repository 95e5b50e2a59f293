// Which destinations the daemon reconciles, found on every branch of the repository, never on the
// checkout: a destination is followed by the branch whose own copy of its file names it in
// `branch:` (the rule plan and apply use for where its server and key come from). A destination
// file seen on some branch that no branch follows, or that two branches claim, is a problem the
// daemon reports (on /healthz and /status) instead of guessing.
import path from 'node:path';
import { parseDestination } from './destination.js';
import type { Destination } from './destination.js';
import { branchHeads, readFilesAt } from './git.js';
import { DESTINATIONS_DIR } from './layout.js';
import type { SchemaSet } from '../validate/schemas.js';

/** A destination and the branch that follows it, with its file as that branch's head has it. */
export interface FollowedPolicy {
  name: string;
  branch: string;
  /** The branch head the file was read at. */
  commit: string;
  destination: Destination;
}

export interface Discovery {
  destinations: FollowedPolicy[];
  /** Why a destination file seen somewhere is not reconciled. */
  problems: string[];
}

interface Sighting {
  branch: string;
  /** The branch the file names, when it could be read. */
  names?: string;
  error?: string;
}

export async function discoverDestinations(repo: string, schemas: SchemaSet): Promise<Discovery> {
  const sightings = new Map<string, Sighting[]>();
  const followed = new Map<string, FollowedPolicy[]>();
  for (const head of await branchHeads(repo)) {
    const files = await readFilesAt(repo, head.commit, (file) => path.posix.dirname(file) === DESTINATIONS_DIR && file.endsWith('.yaml'));
    for (const [file, text] of files) {
      const name = path.posix.basename(file, '.yaml');
      const seen = sightings.get(name) ?? [];
      sightings.set(name, seen);
      try {
        const destination = parseDestination(name, text, schemas);
        seen.push({ branch: head.name, ...(destination.branch ? { names: destination.branch } : {}) });
        if (destination.branch === head.name) followed.set(name, [...(followed.get(name) ?? []), { name, branch: head.name, commit: head.commit, destination }]);
      } catch (error) {
        seen.push({ branch: head.name, error: (error as Error).message });
      }
    }
  }
  const destinations: FollowedPolicy[] = [];
  const problems: string[] = [];
  for (const name of [...sightings.keys()].sort()) {
    const claims = followed.get(name) ?? [];
    if (claims.length === 1) destinations.push(claims[0] as FollowedPolicy);
    else if (claims.length > 1) problems.push(`destination '${name}' is claimed by more than one branch (${claims.map((c) => c.branch).join(', ')} each name themselves in ${DESTINATIONS_DIR}/${name}.yaml): not reconciled`);
    else problems.push(`destination '${name}' is followed by no branch: ${describeSightings(name, sightings.get(name) ?? [])}`);
  }
  return { destinations, problems };
}

function describeSightings(name: string, seen: Sighting[]): string {
  const invalid = seen.filter((s) => s.error);
  if (invalid.length > 0) return invalid.map((s) => `on ${s.branch}, ${s.error}`).join('; ');
  const named = [...new Set(seen.map((s) => s.names).filter((n): n is string => n !== undefined))];
  if (named.length === 0) return `${DESTINATIONS_DIR}/${name}.yaml names no branch (set \`branch:\`)`;
  return `${DESTINATIONS_DIR}/${name}.yaml names ${named.map((n) => `'${n}'`).join(', ')}, and no such branch has a copy of the file naming itself`;
}

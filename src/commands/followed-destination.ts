// Where a destination's server and key come from: its file on the branch it follows (the local
// branch, else `origin/<branch>`: a CI clone has only remote-tracking branches).
// Never the ref under review: a pull request that edits `server:`, `apiKey:` or `branch:` in a
// destination file must not be able to send the destination's key anywhere before it is merged.
//
// The followed branch is the one whose own copy of the destination file names it (`branch:` is
// itself). The ref under review cannot make a branch qualify without being that branch, and a
// pushed branch that names itself too makes the destination ambiguous: refused, not guessed.
import type { Destination } from '../repo/destination.js';
import { destinationFile, parseDestination } from '../repo/destination.js';
import { branchHeads, readFileAt } from '../repo/git.js';
import type { SchemaSet } from '../validate/schemas.js';
import { OctosyncError } from './errors.js';

export interface FollowedDestination {
  /** The branch the destination follows. */
  branch: string;
  /** Where it was read: `production` or `origin/production`. */
  ref: string;
  commit: string;
  destination: Destination;
}

/** The destination as the branch it follows says it is; undefined when no branch follows it. */
export async function followedDestination(repo: string, name: string, schemas: SchemaSet): Promise<FollowedDestination | undefined> {
  const file = destinationFile(name);
  const found: FollowedDestination[] = [];
  for (const head of await branchHeads(repo)) {
    const text = await readFileAt(repo, head.commit, file);
    if (text === undefined) continue;
    let destination: Destination;
    try {
      destination = parseDestination(name, text, schemas);
    } catch {
      continue; // an invalid file is nobody's connection
    }
    if (destination.branch === head.name) found.push({ branch: head.name, ref: head.ref, commit: head.commit, destination });
  }
  if (found.length > 1) {
    throw new OctosyncError(
      'config-invalid',
      `destination '${name}' is claimed by more than one branch: ${found.map((f) => f.ref).join(', ')} each have a ${file} whose branch: names themselves. A destination follows one branch; nothing was planned, and no key was sent anywhere.`,
      { destination: name, branches: found.map((f) => f.ref) },
    );
  }
  return found[0];
}

/**
 * What the planned destination file changes in how the destination is reached, compared with the
 * followed branch's: a note for the plan, since those changes take effect only once merged.
 */
export function connectionChanges(planned: Destination, followed: FollowedDestination): string[] {
  const changed: string[] = [];
  if (planned.server !== followed.destination.server) changed.push('server');
  if (JSON.stringify(planned.apiKey) !== JSON.stringify(followed.destination.apiKey)) changed.push('apiKey');
  if (planned.branch !== followed.destination.branch) changed.push('branch');
  return changed;
}

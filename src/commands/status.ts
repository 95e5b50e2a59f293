// `octosync status`: for each destination, the branch it follows and that branch's head, what was
// last applied and attempted (from the state directory), whether a commit is waiting to be
// applied, the last drift check and the sync policy.
// Read (files, Git, status JSON) → a plain report → rendered as text or JSON.
//
// Destinations are the files destinations/*.yaml as committed at HEAD, not the working tree, so
// an uncommitted edit is not shown as if it were in effect, and a clone without a checkout (the
// daemon's) works too. Their policies are read where `watch` reads them: from the copy of the file
// on the branch the destination follows.
import path from 'node:path';
import type { AttemptState } from '../state/status-store.js';
import { readStatus } from '../state/status-store.js';
import { parseDestination } from '../repo/destination.js';
import type { Destination } from '../repo/destination.js';
import { DESTINATIONS_DIR } from '../repo/layout.js';
import type { CommitDistance, CommitInfo } from '../repo/history.js';
import { commitDistance, isGitRepository, readCommitInfo } from '../repo/history.js';
import { readFilesAt, resolveRef } from '../repo/git.js';
import { loadSchemas } from '../validate/schemas.js';
import { OctosyncError } from './errors.js';
import { followedDestination } from './followed-destination.js';
import { defaultStateDir } from '../state/state-dir.js';

export interface StatusOptions {
  repo: string;
  /** Only this destination; default all. */
  destination?: string;
  /** Where status lives; default `<repo>/.octosync`. */
  stateDir?: string;
  env: NodeJS.ProcessEnv;
}

export interface DestinationReport {
  name: string;
  /** The branch the destination follows; null when its file names none (it then follows HEAD). */
  branch: string | null;
  /** The commit an apply would use now (the branch head); null when the branch does not exist. */
  head: CommitInfo | null;
  lastApplied: { commit: string; at: string; subject?: string } | null;
  /**
   * Whether the head differs from the last applied commit, i.e. the next apply has a commit to
   * apply (null: cannot tell, the branch is missing).
   */
  pending: boolean | null;
  /** The head relative to the last applied commit; null when never applied or not comparable. */
  sinceApplied: CommitDistance | null;
  lastAttempt: Omit<AttemptState, 'outcomes'> | null;
  drift: { at: string; changes: number; gitHeld?: number } | null;
  policy: { sync: 'auto' | 'manual'; drift: 'ignore' | 'warn' | 'correct'; prune: boolean };
  /** What could not be read (an invalid destination file, a missing branch, unreadable status). */
  problems: string[];
}

export interface StatusReport {
  repo: string;
  stateDir: string;
  destinations: DestinationReport[];
}

export async function runStatus(options: StatusOptions): Promise<StatusReport> {
  const { repo, env } = options;
  if (!(await isGitRepository(repo, env))) throw new OctosyncError('repo-invalid', `${repo} is not a Git repository`);
  const stateDir = options.stateDir ?? defaultStateDir(repo);
  const texts = await committedDestinations(repo);
  const known = [...texts.keys()].map((file) => path.posix.basename(file, '.yaml')).sort();
  if (options.destination !== undefined && !known.includes(options.destination)) {
    throw new OctosyncError('config-invalid', `unknown destination '${options.destination}': there is no ${DESTINATIONS_DIR}/${options.destination}.yaml at HEAD in ${repo} (known: ${known.join(', ') || 'none'})`, {
      destination: options.destination,
      known,
    });
  }
  const names = options.destination === undefined ? known : [options.destination];
  const schemas = loadSchemas();
  const destinations: DestinationReport[] = [];
  for (const name of names) {
    destinations.push(await reportDestination(name, texts.get(`${DESTINATIONS_DIR}/${name}.yaml`) ?? '', { repo, stateDir, env, schemas }));
  }
  return { repo, stateDir, destinations };
}

/** destinations/<name>.yaml (path → text) as committed at HEAD; none in a repository without commits. */
async function committedDestinations(repo: string): Promise<Map<string, string>> {
  const head = await resolveRef(repo, 'HEAD').catch(() => undefined);
  if (!head) return new Map();
  return readFilesAt(repo, head, (file) => path.posix.dirname(file) === DESTINATIONS_DIR && file.endsWith('.yaml'));
}

interface Context {
  repo: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  schemas: ReturnType<typeof loadSchemas>;
}

async function reportDestination(name: string, text: string, context: Context): Promise<DestinationReport> {
  const { repo, env } = context;
  const problems: string[] = [];
  let destination: Partial<Destination> = {};
  try {
    destination = parseDestination(name, text, context.schemas);
  } catch (error) {
    problems.push((error as Error).message);
    // The branch the way `plan` finds it, so an invalid file still shows what it follows.
    const branch = /^branch:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
    if (branch) destination = { branch };
  }
  // Policies as the followed branch's own copy of the file says: that is what the daemon does.
  const followed = await followedDestination(repo, name, context.schemas).catch(() => undefined);
  if (followed) destination = followed.destination;
  const branch = destination.branch ?? null;
  // As `plan` and `apply` do: a destination without a branch follows HEAD.
  const head = (await readCommitInfo(repo, branch === null ? 'HEAD' : `refs/heads/${branch}`, env)) ?? null;
  if (!head) problems.push(branch === null ? `${repo} has no commits` : `branch '${branch}' does not exist in ${repo}`);

  let status;
  try {
    status = await readStatus(context.stateDir, name);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const applied = status?.lastApplied;
  const appliedInfo = applied ? await readCommitInfo(repo, applied.commit, env) : undefined;
  const sinceApplied = applied && head ? ((await commitDistance(repo, applied.commit, head.commit, env)) ?? null) : null;
  const attempt = status?.lastAttempt;
  return {
    name,
    branch,
    head,
    lastApplied: applied ? { commit: applied.commit, at: applied.at, ...(appliedInfo ? { subject: appliedInfo.subject } : {}) } : null,
    pending: head ? head.commit !== applied?.commit : null,
    sinceApplied,
    lastAttempt: attempt
      ? { commit: attempt.commit, at: attempt.at, result: attempt.result, ...(attempt.error ? { error: attempt.error } : {}), ...(attempt.summary ? { summary: attempt.summary } : {}) }
      : null,
    drift: status?.drift ? { at: status.drift.at, changes: status.drift.changes, ...(status.drift.gitHeld ? { gitHeld: status.drift.gitHeld } : {}) } : null,
    policy: { sync: destination.sync ?? 'auto', drift: destination.drift ?? 'warn', prune: destination.prune ?? false },
    problems,
  };
}

/** The report as text, one block per destination. */
export function renderStatusText(report: StatusReport): string {
  if (report.destinations.length === 0) return `no destinations: ${report.repo} has no ${DESTINATIONS_DIR}/*.yaml committed at HEAD`;
  return report.destinations.map(renderDestination).join('\n\n');
}

function renderDestination(d: DestinationReport): string {
  const follows = d.branch === null ? 'follows HEAD (its file names no branch)' : `follows branch ${d.branch}`;
  const rows: [string, string][] = [
    ['head', d.head ? `${short(d.head.commit)} ${d.head.subject} (${d.head.at})` : 'none'],
    ['last applied', d.lastApplied ? `${short(d.lastApplied.commit)}${d.lastApplied.subject === undefined ? '' : ` ${d.lastApplied.subject}`} at ${d.lastApplied.at}` : 'never applied'],
    ['pending', describePending(d)],
    ['last attempt', describeAttempt(d.lastAttempt)],
    ['drift', d.drift ? `${d.drift.changes === 0 ? `none at ${d.drift.at}` : `${d.drift.changes} ${plural(d.drift.changes, 'change', 'changes')} found at ${d.drift.at}`}${gitHeldText(d.drift.gitHeld)}` : 'not checked yet'],
    ['policy', `sync ${d.policy.sync}, drift ${d.policy.drift}, prune ${d.policy.prune ? 'on' : 'off'}`],
    ...d.problems.map((problem): [string, string] => ['problem', problem]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${indentRest(value, width + 4)}`);
  return [`${d.name}  ${follows}`, ...lines].join('\n');
}

function describePending(d: DestinationReport): string {
  if (d.pending === null || !d.head) return 'unknown: there is no commit to apply';
  if (!d.pending) return 'no: the head is applied';
  const manual = d.policy.sync === 'manual' ? ` (sync manual: run \`octosync apply --destination ${d.name}\`)` : '';
  const where = d.branch ?? 'HEAD';
  if (!d.lastApplied) return `yes: never applied${manual}`;
  const since = d.sinceApplied;
  if (!since) return `yes: the last applied commit ${short(d.lastApplied.commit)} is not in this repository${manual}`;
  if (since.behind === 0) return `yes: ${since.ahead} ${plural(since.ahead, 'commit', 'commits')} on ${where} since the last apply${manual}`;
  if (since.ahead === 0) return `yes: ${where} moved back ${since.behind} ${plural(since.behind, 'commit', 'commits')} behind the last applied commit${manual}`;
  return `yes: ${where} was rewritten: ${since.ahead} new ${plural(since.ahead, 'commit', 'commits')}, ${since.behind} applied ${plural(since.behind, 'commit is', 'commits are')} no longer on it${manual}`;
}

function describeAttempt(attempt: DestinationReport['lastAttempt']): string {
  if (!attempt) return 'none';
  const head = `${attempt.result} at ${attempt.at} (commit ${short(attempt.commit)})`;
  if (attempt.error) return `${head}: ${attempt.error}`;
  if (attempt.summary && attempt.result !== 'no-changes') {
    const { create, update, delete: remove } = attempt.summary;
    return `${head}: ${create} created, ${update} updated, ${remove} deleted`;
  }
  return head;
}

function indentRest(text: string, spaces: number): string {
  return text.split('\n').join(`\n${' '.repeat(spaces)}`);
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

/** Git-held parts that differ: shown with drift, never corrected (octosync does not write them). */
function gitHeldText(count: number | undefined): string {
  return count ? `; ${count} Git-held ${plural(count, 'part differs', 'parts differ')} (read-only)` : '';
}

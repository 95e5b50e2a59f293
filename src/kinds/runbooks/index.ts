// A runbook and its process in one document: `projects/<project-slug>/runbooks/<slug>.yaml`.
// Runbooks come from the space-wide `runbooks` collection, their processes from the space-wide
// `runbookProcesses` collection, matched by the runbook's RunbookProcessId. Snapshots (what a
// published runbook runs) are never synced.
import { ownedName } from '../../core/names.js';
import { canonicalize, compareNames, jsonEqual } from '../../core/canonical.js';
import type { JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { SERVER_FIELDS, asArray, isObject, without } from '../fields.js';
import { PROCESS_READS, currentProcess, processPayload, stepReferences, stepsToDocument } from '../shared/process.js';
import type { DocumentReference, ReferenceContext, Kind, KindWriter, WriteContext } from '../types.js';
import { WriteError, resolved, withClearedFields } from '../writing.js';
import { spacePath } from '../../octopus/index.js';
import { omitNewerDefaults } from '../newer-fields.js';
import { runbooksAreInGit } from '../projects/persistence.js';

const TITLE = 'runbook';

/** Runbook fields the server manages: its owned process and the snapshot it published. */
const RUNBOOK_SERVER_FIELDS = [...SERVER_FIELDS, 'ProjectId', 'RunbookProcessId', 'PublishedRunbookSnapshotId'];
const PROCESS_SERVER_FIELDS = [...SERVER_FIELDS, 'ProjectId', 'RunbookId', 'LastSnapshotId'];
/** What a runbook document takes from the runbook and its process as they are (the rest is written in another form). */
const RUNBOOK_NOT_KEPT = [...RUNBOOK_SERVER_FIELDS, 'Environments'];
const PROCESS_NOT_KEPT = [...PROCESS_SERVER_FIELDS, 'Steps'];

export const runbooks: Kind = {
  name: 'runbooks',
  title: TITLE,
  dependsOn: ['projects', 'channels', 'environments', 'worker-pools', 'feeds', 'step-templates', 'tag-sets', 'teams', 'git-credentials'],
  reads: ['projects', 'runbooks', 'runbookProcesses', ...PROCESS_READS],
  toDocuments: (live, names) => runbookDocuments(live, names),
  // One document, two API resources: the runbook, and (under `Process`, not an API field of a
  // runbook) the body for a PUT of its process. Apply splits them: see runbookPayload and
  // runbookProcessPayload.
  toPayload: (doc, ids) => ({ ...runbookPayload(doc, ids), Process: runbookProcessPayload(doc, ids) }),
  references: (doc, context) => runbookReferences(doc, context),
  writer: runbookWriter(),
};

/**
 * The runbook documents of the projects `keep` keeps: by default those whose runbooks are in the
 * database (runbooks a project keeps in Git are its repository's, whatever a list shows of them).
 */
export function runbookDocuments(live: LiveSpace, names: NameResolver, keep: (project: JsonObject) => boolean = (project) => !runbooksAreInGit(project)): KindDocument[] {
  const projects = live.projects ?? [];
  // The same slugs the projects kind gives the project folders.
  const projectSlugs = uniqueSlugs(projects.map((project) => String(project.Name)));
  const processes = new Map((live.runbookProcesses ?? []).map((process) => [String(process.Id).toLowerCase(), process]));
  // Each project's runbooks, found in one pass over the space's (not one pass per project).
  const byProject = new Map<string, JsonObject[]>();
  for (const runbook of live.runbooks ?? []) {
    const projectId = String(runbook.ProjectId).toLowerCase();
    const owned = byProject.get(projectId);
    if (owned) owned.push(runbook);
    else byProject.set(projectId, [runbook]);
  }
  const documents: KindDocument[] = [];
  for (const project of projects) {
    if (!keep(project)) continue;
    const projectName = String(project.Name);
    const owned = byProject.get(String(project.Id).toLowerCase()) ?? [];
    // Runbook names are unique within their project, and so are their file names.
    const slugs = uniqueSlugs(owned.map((runbook) => String(runbook.Name)));
    for (const runbook of owned) {
      const runbookName = String(runbook.Name);
      const name = ownedName(projectName, runbookName);
      const where = `${TITLE} '${name}'`;
      const process = processes.get(String(runbook.RunbookProcessId ?? '').toLowerCase());
      if (!process) {
        names.problems.push({ where, message: `its process '${String(runbook.RunbookProcessId)}' was not found in runbookProcesses` });
      }
      // Fields set on the copies `without` makes rather than spread into further copies (canonicalize orders them).
      const body = without(runbook, RUNBOOK_NOT_KEPT);
      body.Project = projectName;
      body.Environments = names.names('environments', runbook.Environments, `${where}, Environments`).sort(compareNames);
      const processBody = process ? without(process, PROCESS_NOT_KEPT) : {};
      processBody.Steps = stepsToDocument(process?.Steps, names, where);
      body.Process = processBody;
      const connectivity = runbook.ConnectivityPolicy;
      if (isObject(connectivity) && Array.isArray(connectivity.TargetRoles)) {
        // Roles are a set: sorted, so a reordering on the server is no change.
        body.ConnectivityPolicy = { ...connectivity, TargetRoles: asArray(connectivity.TargetRoles).map(String).sort(compareNames) };
      }
      if (Array.isArray(runbook.RunbookTags)) body.RunbookTags = runbook.RunbookTags.map(String).sort(compareNames);
      documents.push({
        kind: 'runbooks',
        name,
        file: `projects/${projectSlugs.get(projectName)}/runbooks/${slugs.get(runbookName)}.yaml`,
        body: canonicalize(omitNewerDefaults('runbooks', body)),
      });
    }
  }
  return documents.sort((a, b) => compareNames(a.name, b.name));
}

/**
 * The runbook resource for `POST /runbooks` or `PUT /runbooks/{id}`. With the destination's
 * `existing` runbook it keeps the Id, the owned process id and the published snapshot: a PUT
 * without `PublishedRunbookSnapshotId` would unpublish the runbook.
 */
export function runbookPayload(doc: KindDocument, ids: IdResolver, existing?: JsonObject): JsonObject {
  const where = `${TITLE} '${doc.name}'`;
  const payload = without(doc.body, ['Project', 'Environments', 'Process']);
  payload.ProjectId = ids.id('projects', doc.body.Project, `${where}, Project`);
  payload.Environments = ids.ids('environments', doc.body.Environments, `${where}, Environments`);
  if (existing) {
    for (const field of ['Id', 'SpaceId', 'RunbookProcessId', 'PublishedRunbookSnapshotId']) {
      if (existing[field] !== undefined) payload[field] = existing[field];
    }
  }
  return payload;
}

/**
 * The body of `PUT /runbookProcesses/{id}`. Pass the destination's current runbook process as
 * `existing` for its Version and its step and action Ids (see processPayload).
 */
export function runbookProcessPayload(doc: KindDocument, ids: IdResolver, existing?: JsonObject): JsonObject {
  const where = `${TITLE} '${doc.name}'`;
  const process = isObject(doc.body.Process) ? doc.body.Process : {};
  const projectId = ids.table.idOf('projects', String(doc.body.Project));
  // The document's own fields after the existing process's: what the document says wins.
  return { ...processPayload(process.Steps, ids, { where, projectId }, existing), ...without(process, ['Steps']) };
}

export function runbookReferences(doc: KindDocument, context?: ReferenceContext): DocumentReference[] {
  const project = String(doc.body.Project);
  const process = isObject(doc.body.Process) ? doc.body.Process : {};
  return [
    { pointer: '/Project', kind: 'projects', name: project },
    ...asArray(doc.body.Environments).map((name, index): DocumentReference => ({ pointer: `/Environments/${index}`, kind: 'environments', name: String(name) })),
    ...asArray(doc.body.RunbookTags).map((tag, index): DocumentReference => ({ pointer: `/RunbookTags/${index}`, kind: 'tag-sets', name: String(tag) })),
    ...stepReferences(process.Steps, '/Process/Steps', project, context),
  ];
}

/**
 * One document, two resources. Create POSTs the runbook (the server creates its empty process
 * with it) and then PUTs the process. Update PUTs the runbook over the destination's own only
 * when its settings changed, and the process only when it changed, each built with what the
 * destination has (Ids, the published snapshot, the process Version and step and action Ids).
 * Every payload is built, and every name resolved, before the first write.
 */
function runbookWriter(): KindWriter {
  const what = (name: string) => `${TITLE} '${name}'`;
  return {
    writes: ['runbooks', 'runbookProcesses'],
    createsInTwoSteps: true,
    create: async (doc, ctx) => {
      const runbook = resolved(ctx.ids, what(doc.name), () => {
        runbookProcessPayload(doc, ctx.ids); // resolves the process's names too
        return runbookPayload(doc, ctx.ids);
      });
      const created = await ctx.api.post<JsonObject>(spacePath(ctx.spaceId, 'runbooks'), runbook);
      // A new runbook's process is empty: nothing to write for an empty one.
      if (jsonEqual(processOf(doc.body), { Steps: [] })) return;
      const processId = created.RunbookProcessId;
      if (typeof processId !== 'string' || processId === '') throw new WriteError(`cannot write ${what(doc.name)}: the server created the runbook without a process`);
      // The new process (its Version) comes from the read of the kind after all its creates: one
      // read of every runbook process rather than one per new runbook.
      return async (after) => {
        const existing = await currentProcess(after, 'runbookProcesses', processId);
        const process = resolved(after.ids, what(doc.name), () => runbookProcessPayload(doc, after.ids, existing));
        await after.api.put(spacePath(after.spaceId, 'runbookProcesses', processId), process);
      };
    },
    update: async (doc, current, ctx) => {
      const existing = destinationRunbook(ctx, current, what(current.name));
      const settingsChanged = !jsonEqual(without(doc.body, ['Process']), without(current.body, ['Process']));
      // A secret supplied as `NewValue` differs from the destination's `{HasValue}`: it is written.
      const processChanged = !jsonEqual(processOf(doc.body), processOf(current.body));
      const cleared = withClearedFields(doc, current);
      const runbook = settingsChanged ? resolved(ctx.ids, what(doc.name), () => runbookPayload(cleared, ctx.ids, existing)) : undefined;
      const processId = String(existing.RunbookProcessId);
      let process: JsonObject | undefined;
      if (processChanged) {
        const existingProcess = await currentProcess(ctx, 'runbookProcesses', processId);
        // Process fields the destination has and the document not are cleared, like the runbook's.
        const clearedProcess = withClearedFields({ ...doc, body: processOf(doc.body) }, { ...current, body: processOf(current.body) }).body;
        process = resolved(ctx.ids, what(doc.name), () => runbookProcessPayload({ ...doc, body: { ...doc.body, Process: clearedProcess } }, ctx.ids, existingProcess));
      }
      if (runbook) await ctx.api.put(spacePath(ctx.spaceId, 'runbooks', String(existing.Id)), { ...existing, ...runbook });
      if (process) await ctx.api.put(spacePath(ctx.spaceId, 'runbookProcesses', processId), process);
    },
    remove: async (current, ctx) => {
      const projectId = ctx.ids.table.idOf('projects', String(current.body.Project));
      // Deleting a project deletes its runbooks: nothing is left to remove without it.
      if (projectId === undefined) return;
      const existing = destinationRunbook(ctx, current, what(current.name));
      await ctx.api.delete(spacePath(ctx.spaceId, 'runbooks', String(existing.Id)));
    },
  };
}

/** The destination's runbook behind its document: by name within the project (names are unique only there). */
function destinationRunbook(ctx: WriteContext, current: KindDocument, what: string): JsonObject {
  const projectId = ctx.ids.table.idOf('projects', String(current.body.Project));
  const runbookId = projectId === undefined ? undefined : ctx.ids.table.idOf('runbooks', String(current.body.Name), projectId);
  const runbook = runbookId === undefined ? undefined : ctx.ids.table.resource('runbooks', runbookId);
  if (!runbook) throw new WriteError(`cannot write ${what}: the destination has no such runbook`);
  return runbook;
}

function processOf(body: JsonObject): JsonObject {
  return isObject(body.Process) ? body.Process : { Steps: [] };
}

// A project's deployment process: `projects/<project-slug>/deployment-process.yaml`. Read from
// the space-wide `deploymentprocesses` collection (one request however many projects) and
// matched to its project by the project's DeploymentProcessId.
import { canonicalize, compareNames } from '../../core/canonical.js';
import type { JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { SERVER_FIELDS, without } from '../fields.js';
import { PROCESS_READS, currentProcess, processPayload, stepReferences, stepsToDocument } from '../shared/process.js';
import type { DocumentReference, ReferenceContext, Kind, KindWriter, WriteContext } from '../types.js';
import { WriteError, resolved, withClearedFields } from '../writing.js';
import { spacePath } from '../../octopus/index.js';
import { omitNewerDefaults } from '../newer-fields.js';

const TITLE = 'deployment process';

/** Process fields the server manages: its owner, and the snapshot the last release froze. */
const PROCESS_SERVER_FIELDS = [...SERVER_FIELDS, 'ProjectId', 'LastSnapshotId'];
/** What a document takes from the process as it is (the steps are written in another form). */
const PROCESS_NOT_KEPT = [...PROCESS_SERVER_FIELDS, 'Steps'];

export const deploymentProcesses: Kind = {
  name: 'deployment-processes',
  title: TITLE,
  dependsOn: ['projects', 'channels', 'environments', 'worker-pools', 'feeds', 'step-templates', 'tag-sets', 'teams', 'git-credentials'],
  reads: ['projects', 'deploymentprocesses', ...PROCESS_READS],
  toDocuments: (live, names) => deploymentProcessDocuments(live, names),
  toPayload: (doc, ids) => deploymentProcessPayload(doc, ids),
  references: (doc, context) => deploymentProcessReferences(doc, context),
  writer: deploymentProcessWriter(),
};

export function deploymentProcessDocuments(live: LiveSpace, names: NameResolver): KindDocument[] {
  const projects = live.projects ?? [];
  // The same slugs the projects kind gives the project folders.
  const slugs = uniqueSlugs(projects.map((project) => String(project.Name)));
  const processes = new Map((live.deploymentprocesses ?? []).map((process) => [String(process.Id).toLowerCase(), process]));
  const documents: KindDocument[] = [];
  for (const project of projects) {
    // Version-controlled projects keep their process in their own Git repository: it is not in
    // this collection, and not synced.
    const process = processes.get(String(project.DeploymentProcessId ?? '').toLowerCase());
    if (!process) continue;
    const name = String(project.Name);
    const where = `${TITLE} '${name}'`;
    // Set on the copy `without` makes rather than spread into another (canonicalize orders the fields).
    const body = without(process, PROCESS_NOT_KEPT);
    body.Project = name;
    body.Steps = stepsToDocument(process.Steps, names, where);
    documents.push({ kind: 'deployment-processes', name, file: `projects/${slugs.get(name)}/deployment-process.yaml`, body: canonicalize(omitNewerDefaults('deployment-processes', body)) });
  }
  return documents.sort((a, b) => compareNames(a.name, b.name));
}

/**
 * The body of `PUT /projects/{projectId}/deploymentprocesses`. Pass the destination's current process as
 * `existing`: it supplies the Version the server requires, and the step and action Ids that keep
 * sensitive properties. Without it (what `Kind.toPayload` does) the body has no Id or Version.
 */
export function deploymentProcessPayload(doc: KindDocument, ids: IdResolver, existing?: JsonObject): JsonObject {
  const where = `${TITLE} '${doc.name}'`;
  const projectId = ids.id('projects', doc.body.Project, `${where}, Project`);
  const rest = without(doc.body, ['Project', 'Steps']);
  // The document's own fields after the existing process's: what the document says wins.
  return { ...processPayload(doc.body.Steps, ids, { where, projectId }, existing), ...rest, ProjectId: projectId };
}

export function deploymentProcessReferences(doc: KindDocument, context?: ReferenceContext): DocumentReference[] {
  const project = String(doc.body.Project);
  return [{ pointer: '/Project', kind: 'projects', name: project }, ...stepReferences(doc.body.Steps, '/Steps', project, context)];
}

/**
 * A process exists with its project (projects are applied first) and is only ever replaced: create
 * and update are one PUT over the destination's process, built with it so the Version is the
 * stored one and steps and actions matched by name keep their Ids (and so their secrets). Remove
 * empties the process of a project that stays; a deleted project took its process with it.
 */
function deploymentProcessWriter(): KindWriter {
  return {
    writes: ['deploymentprocesses'],
    create: (doc, ctx) => writeDeploymentProcess(doc, undefined, ctx),
    update: (doc, current, ctx) => writeDeploymentProcess(doc, current, ctx),
    remove: async (current, ctx) => {
      const projectId = ctx.ids.table.idOf('projects', String(current.body.Project));
      if (projectId === undefined) return;
      await writeDeploymentProcess({ ...current, body: { Project: current.body.Project ?? current.name, Steps: [] } }, current, ctx);
    },
  };
}

async function writeDeploymentProcess(doc: KindDocument, current: KindDocument | undefined, ctx: WriteContext): Promise<void> {
  const what = `${TITLE} '${doc.name}'`;
  const projectId = resolved(ctx.ids, what, () => ctx.ids.id('projects', doc.body.Project, `${what}, Project`));
  const processId = ctx.ids.table.resource('projects', projectId)?.DeploymentProcessId;
  if (typeof processId !== 'string' || processId === '') {
    // Version-controlled projects keep their process in Git, where octosync does not write.
    throw new WriteError(`cannot write ${what}: the destination's project has no deployment process in its database (is it version-controlled?)`);
  }
  const existing = await currentProcess(ctx, 'deploymentprocesses', processId);
  // Top-level fields the destination has and the document not are cleared, not kept.
  const body = current ? withClearedFields(doc, current) : doc;
  const payload = resolved(ctx.ids, what, () => deploymentProcessPayload(body, ctx.ids, existing));
  // Through the project: the 2026 reference marks `PUT /deploymentprocesses/{id}` deprecated.
  await ctx.api.put(spacePath(ctx.spaceId, 'projects', projectId, 'deploymentprocesses'), payload);
}

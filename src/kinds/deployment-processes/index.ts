// A project's deployment process: `projects/<project-slug>/deployment-process.yaml`. Read from
// the space-wide `deploymentprocesses` collection (one request however many projects) and
// matched to its project by the project's DeploymentProcessId.
import { canonicalize, compareNames } from '../../core/canonical.js';
import type { JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { SERVER_FIELDS, without } from '../fields.js';
import { PROCESS_READS, processPayload, stepReferences, stepsToDocument } from '../shared/process.js';
import type { DocumentReference, Kind } from '../types.js';

const TITLE = 'deployment process';

/** Process fields the server manages: its owner, and the snapshot the last release froze. */
const PROCESS_SERVER_FIELDS = [...SERVER_FIELDS, 'ProjectId', 'LastSnapshotId'];

export const deploymentProcesses: Kind = {
  name: 'deployment-processes',
  title: TITLE,
  dependsOn: ['projects', 'channels', 'environments', 'worker-pools', 'feeds', 'step-templates', 'tag-sets', 'teams'],
  reads: ['projects', 'deploymentprocesses', ...PROCESS_READS],
  toDocuments: (live, names) => deploymentProcessDocuments(live, names),
  toPayload: (doc, ids) => deploymentProcessPayload(doc, ids),
  references: (doc) => deploymentProcessReferences(doc),
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
    const body: JsonObject = {
      ...without(process, [...PROCESS_SERVER_FIELDS, 'Steps']),
      Project: name,
      Steps: stepsToDocument(process.Steps, names, where),
    };
    documents.push({ kind: 'deployment-processes', name, file: `projects/${slugs.get(name)}/deployment-process.yaml`, body: canonicalize(body) });
  }
  return documents.sort((a, b) => compareNames(a.name, b.name));
}

/**
 * The body of `PUT /deploymentprocesses/{id}`. Pass the destination's current process as
 * `existing`: it supplies the Version the server requires, and the step and action Ids that keep
 * sensitive properties. Without it (what `Kind.toPayload` does) the body has no Id or Version.
 */
export function deploymentProcessPayload(doc: KindDocument, ids: IdResolver, existing?: JsonObject): JsonObject {
  const where = `${TITLE} '${doc.name}'`;
  const projectId = ids.id('projects', doc.body.Project, `${where}, Project`);
  const rest = without(doc.body, ['Project', 'Steps']);
  return { ...rest, ...processPayload(doc.body.Steps, ids, { where, projectId }, existing), ProjectId: projectId };
}

export function deploymentProcessReferences(doc: KindDocument): DocumentReference[] {
  const project = String(doc.body.Project);
  return [{ pointer: '/Project', kind: 'projects', name: project }, ...stepReferences(doc.body.Steps, '/Steps', project)];
}

// A project's own variables (its variable set; library sets it includes are the project's
// setting, not listed here): `projects/<project slug>/variables.yaml`. Sets are read from the
// space-wide `/variables/all` and matched to projects by `VariableSetId`, never per project.
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { asArray, isObject } from '../fields.js';
import type { KindWriter, WriteContext } from '../types.js';
import { WriteError, liveResource, resolved } from '../writing.js';
import { putVariableSet, sameVariables, variableSetOf } from '../shared/variable-set-writer.js';
import { existingVariableSet, indexSpace, normalizeVariables, projectProcesses, variableReferences, variableSetBody, variablesPayload } from '../shared/variables.js';
import type { VariableSetOwner } from '../shared/variables.js';

const TITLE = 'project variables';

export const projectVariables: VariableSetOwner = {
  name: 'project-variables',
  title: TITLE,
  // Variables name channels, steps (deployment processes and runbooks' processes) and runbooks
  // (process owners), so they are applied after all of them.
  dependsOn: ['projects', 'channels', 'environments', 'tenants', 'tag-sets', 'certificates', 'worker-pools', 'deployment-processes', 'runbooks'],
  reads: [
    'projects',
    'variables',
    'environments',
    'channels',
    'machines',
    'tenants',
    'tagsets',
    'certificates',
    'accounts',
    'workerpools',
    'deploymentprocesses',
    'runbooks',
    'runbookProcesses',
  ],
  toDocuments,
  toPayload: (doc, ids) => variableSetPayload(doc, ids),
  variableSetPayload,
  references: (doc) => {
    const project = typeof doc.body.Project === 'string' ? doc.body.Project : doc.name;
    return [{ pointer: '/Project', kind: 'projects', name: project }, ...variableReferences(doc.body.Variables, '/Variables', project)];
  },
  writer: projectVariablesWriter(),
};

function projectNameOf(doc: KindDocument): string {
  return typeof doc.body.Project === 'string' ? doc.body.Project : doc.name;
}

/**
 * The set exists with its project (the projects kind is applied first), so create and update are
 * one `PUT /variables/{VariableSetId}` over the destination's current set: unchanged variables
 * keep their ids, a sensitive one given no value keeps its secret. `create` is the case of a
 * project created earlier in the same apply. Remove empties the set while the project exists.
 */
function projectVariablesWriter(): KindWriter {
  const write = async (doc: KindDocument, current: KindDocument | undefined, ctx: WriteContext) => {
    const where = `${TITLE} '${doc.name}'`;
    const project = liveResource(ctx, 'projects', projectNameOf(doc));
    // A version-controlled project's database set holds its sensitive variables only; the others
    // live in its Git repository, which octosync never writes (the plan refuses such a document).
    const plain = variablesInGit(project) ? asArray(doc.body.Variables).filter((variable) => !isSensitiveVariable(variable)) : [];
    if (plain.length > 0) {
      throw new WriteError(`cannot write ${where}: the destination's project keeps its non-sensitive variables in its Git repository`);
    }
    if (current && sameVariables(doc.body.Variables, current.body.Variables)) return;
    const existing = await variableSetOf(ctx, project.VariableSetId, where);
    // A new project's set is empty: nothing to write for a document without variables.
    if (!current && asArray(doc.body.Variables).length === 0 && asArray(existing.Variables).length === 0) return;
    const payload = resolved(ctx.ids, where, () => variableSetPayload(doc, ctx.ids, existing));
    await putVariableSet(ctx, payload);
  };
  return {
    writes: ['variables'],
    create: (doc, ctx) => write(doc, undefined, ctx),
    update: (doc, current, ctx) => write(doc, current, ctx),
    remove: async (current, ctx) => {
      const wanted = projectNameOf(current).toLowerCase();
      const project = (ctx.live.projects ?? []).find((p) => String(p.Name).toLowerCase() === wanted);
      // Gone with its project, or empty already.
      if (!project || asArray(current.body.Variables).length === 0) return;
      const existing = await variableSetOf(ctx, project.VariableSetId, `${TITLE} '${current.name}'`);
      await putVariableSet(ctx, variableSetBody([], existing, String(project.Id)));
    },
  };
}

function toDocuments(live: LiveSpace, names: NameResolver): KindDocument[] {
  const projects = live.projects ?? [];
  // The same slugs as the projects kind gives, so the file lands in the project's folder.
  const slugs = uniqueSlugs(projects.map((project) => String(project.Name)));
  const index = indexSpace(live);
  return projects.map((project) => {
    const name = String(project.Name);
    const where = `${TITLE} '${name}'`;
    const variableSet = index.byId('variables', project.VariableSetId);
    if (!variableSet) names.problems.push({ where, message: `the project's variable set '${String(project.VariableSetId)}' was not read` });
    const held = asArray(variableSet?.Variables);
    const databaseHeld = variablesInGit(project) ? held.filter(isSensitiveVariable) : held;
    const variables = normalizeVariables(databaseHeld, names, { where, project: projectProcesses(index, project) });
    return { kind: 'project-variables', name, file: `projects/${slugs.get(name)}/variables.yaml`, body: { Project: name, Variables: variables } };
  });
}

/**
 * A version-controlled project whose variables were moved to its Git repository: the database set
 * (`/projects/{id}/variables`, the `SensitiveVariables` link OctopusClients follows) holds only its
 * sensitive variables, and its document holds only those. The others live in its Git repository,
 * their source of truth, which octosync reads for review and never writes.
 */
export function variablesInGit(project: JsonObject): boolean {
  const settings = isObject(project.PersistenceSettings) ? project.PersistenceSettings : {};
  const conversion = isObject(settings.ConversionState) ? settings.ConversionState : {};
  return project.IsVersionControlled === true && conversion.VariablesAreInGit === true;
}

/** Whether a variable (of the API or of a document) is sensitive. */
export function isSensitiveVariable(variable: Json): boolean {
  return isObject(variable) && (variable.IsSensitive === true || variable.Type === 'Sensitive');
}

function variableSetPayload(doc: KindDocument, ids: IdResolver, existing?: JsonObject): JsonObject {
  const where = `${TITLE} '${doc.name}'`;
  const projectName = typeof doc.body.Project === 'string' ? doc.body.Project : doc.name;
  // '' when the project is missing (a problem already): its channels and steps are then missing too.
  const projectId = ids.id('projects', projectName, `${where} Project`);
  const ownerId = projectId === '' ? undefined : projectId;
  const current = existing ?? existingVariableSet(ids.table, 'projects', ownerId);
  const variables = variablesPayload(doc.body.Variables, ids, { where, projectId }, current);
  return variableSetBody(variables, current, ownerId);
}

// A project's own variables (its variable set; library sets it includes are the project's
// setting, not listed here): `projects/<project slug>/variables.yaml`. Sets are read from the
// space-wide `/variables/all` and matched to projects by `VariableSetId`, never per project.
import type { JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { isObject } from '../fields.js';
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
};

function toDocuments(live: LiveSpace, names: NameResolver): KindDocument[] {
  const projects = live.projects ?? [];
  // The same slugs as the projects kind gives, so the file lands in the project's folder.
  const slugs = uniqueSlugs(projects.map((project) => String(project.Name)));
  const index = indexSpace(live);
  return projects.filter((project) => !variablesInGit(project)).map((project) => {
    const name = String(project.Name);
    const where = `${TITLE} '${name}'`;
    const variableSet = index.byId('variables', project.VariableSetId);
    if (!variableSet) names.problems.push({ where, message: `the project's variable set '${String(project.VariableSetId)}' was not read` });
    const variables = normalizeVariables(variableSet?.Variables, names, { where, project: projectProcesses(index, project) });
    return { kind: 'project-variables', name, file: `projects/${slugs.get(name)}/variables.yaml`, body: { Project: name, Variables: variables } };
  });
}

/**
 * A version-controlled project whose variables were moved to its Git repository: the database set
 * holds only its sensitive variables, so a document from it would say the others do not exist
 * (and applying it would delete them). Its Git repository is their source of truth; it has no
 * variables.yaml.
 */
export function variablesInGit(project: JsonObject): boolean {
  const settings = isObject(project.PersistenceSettings) ? project.PersistenceSettings : {};
  const conversion = isObject(settings.ConversionState) ? settings.ConversionState : {};
  return project.IsVersionControlled === true && conversion.VariablesAreInGit === true;
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

// Whether a space's live state, as read, is whole: every owner's owned documents are there and
// belong to it. A source can answer a well-formed but incomplete list (a proxy cutting an answer
// short, a server under load, a permission missing for one collection); taken at its word, a
// missing process reads as "this project has none", and the snapshot would remove it everywhere.
// Pure: collections in, problems out. Only collections that were read are checked.
import { isObject } from '../core/document.js';
import type { JsonObject, LiveSpace } from '../core/document.js';
import type { Problem } from '../core/refs.js';
import { capabilitiesOf } from './capabilities.js';
import { variablesInGit } from './project-variables/index.js';

export function incompleteReads(live: LiveSpace): Problem[] {
  const problems: Problem[] = [];
  const has = (...collections: string[]) => collections.every((collection) => live[collection] !== undefined);
  const indexes = new Map<string, Map<string, JsonObject>>();
  const byId = (collection: string) => {
    let index = indexes.get(collection);
    if (!index) indexes.set(collection, (index = new Map((live[collection] ?? []).map((resource) => [String(resource.Id).toLowerCase(), resource]))));
    return index;
  };
  const same = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
  const projects = live.projects ?? [];
  const versionControlled = new Set(projects.filter((project) => project.IsVersionControlled === true).map((project) => String(project.Id).toLowerCase()));

  /** An owner's owned document: present in its collection, and naming the owner back. */
  const owned = (owner: JsonObject, where: string, what: string, collection: string, idField: string, backField: string) => {
    const id = owner[idField];
    const found = byId(collection).get(String(id).toLowerCase());
    if (!found) {
      problems.push({ where, message: `its ${what} '${String(id)}' is missing from ${collection}: the source's answer is incomplete` });
    } else if (typeof found[backField] === 'string' && !same(found[backField], owner.Id)) {
      problems.push({ where, message: `its ${what} '${String(id)}' belongs to '${String(found[backField])}', not to it (${collection}.${backField}): the source's answer is inconsistent` });
    }
  };

  if (has('projects', 'deploymentprocesses')) {
    // A version-controlled project keeps its process in its own Git repository.
    for (const project of projects.filter((p) => p.IsVersionControlled !== true)) {
      owned(project, `project '${String(project.Name)}'`, 'deployment process', 'deploymentprocesses', 'DeploymentProcessId', 'ProjectId');
    }
  }
  if (has('projects', 'variables')) {
    for (const project of projects.filter((p) => !variablesInGit(p))) {
      owned(project, `project '${String(project.Name)}'`, 'variable set', 'variables', 'VariableSetId', 'OwnerId');
    }
  }
  if (has('libraryvariablesets', 'variables')) {
    for (const set of live.libraryvariablesets ?? []) {
      owned(set, `library variable set '${String(set.Name)}'`, 'variable set', 'variables', 'VariableSetId', 'OwnerId');
    }
  }
  if (has('runbooks', 'runbookProcesses')) {
    for (const runbook of (live.runbooks ?? []).filter((r) => !versionControlled.has(String(r.ProjectId).toLowerCase()))) {
      owned(runbook, `runbook '${String(runbook.Name)}'`, 'runbook process', 'runbookProcesses', 'RunbookProcessId', 'RunbookId');
    }
  }
  if (has('projects', 'channels')) {
    // Octopus keeps at least one channel per project (the last one cannot be deleted).
    const withChannels = new Set((live.channels ?? []).map((channel) => String(channel.ProjectId).toLowerCase()));
    for (const project of projects) {
      if (!withChannels.has(String(project.Id).toLowerCase())) problems.push({ where: `project '${String(project.Name)}'`, message: 'it has no channel in channels, and every project has one: the source\'s answer is incomplete' });
    }
  }
  if (has('tenants', 'tenantvariables')) {
    // The space-wide list holds one tenant variables resource per tenant; the scoped API is read
    // per tenant connected to a project (one without connections has no values to read).
    const withVariables = new Set((live.tenantvariables ?? []).map((resource) => String(resource.TenantId).toLowerCase()));
    const connected = (tenant: JsonObject) => isObject(tenant.ProjectEnvironments) && Object.keys(tenant.ProjectEnvironments).length > 0;
    const expected = capabilitiesOf(live).tenantVariableScoping ? (live.tenants ?? []).filter(connected) : (live.tenants ?? []);
    for (const tenant of expected) {
      if (!withVariables.has(String(tenant.Id).toLowerCase())) problems.push({ where: `tenant '${String(tenant.Name)}'`, message: 'its tenant variables are missing from tenantvariables: the source\'s answer is incomplete' });
    }
    // A scoped answer is the asked tenant's, with a list of values.
    for (const resource of live.tenantvariables ?? []) {
      if (!isObject(resource.Scoped)) continue;
      for (const [part, answer] of Object.entries(resource.Scoped)) {
        if (isObject(answer) && String(answer.TenantId).toLowerCase() === String(resource.TenantId).toLowerCase() && Array.isArray(answer.Variables)) continue;
        const tenant = (live.tenants ?? []).find((candidate) => String(candidate.Id).toLowerCase() === String(resource.TenantId).toLowerCase());
        problems.push({ where: `tenant '${String(tenant?.Name ?? resource.TenantId)}'`, message: `its ${part === 'Common' ? 'common' : 'project'} tenant variables were answered for another tenant or without values: the source's answer is incomplete` });
      }
    }
  }
  return problems;
}

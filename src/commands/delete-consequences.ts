// What a planned delete takes with it, read from the destination so a reviewer sees it: a
// project's releases (and with them its deployment history), the deployment targets still in an
// environment. Only for what the plan deletes: a plan without deletes reads nothing more.
import type { JsonObject } from '../core/document.js';
import type { Plan } from '../core/plan.js';
import type { OctopusApi } from '../octopus/index.js';
import type { SpacePlanState } from './plan.js';

export async function addDeleteConsequences(api: OctopusApi, plan: Plan, spaces: readonly SpacePlanState[]): Promise<void> {
  for (const space of spaces) {
    const deletes = plan.changes.filter((change) => change.action === 'delete' && change.space === space.name);
    if (deletes.length === 0) continue;
    const idOf = (collection: string, name: string) => (space.live[collection] ?? []).find((resource) => String(resource.Name).toLowerCase() === name.toLowerCase())?.Id as string | undefined;
    let machines: JsonObject[] | undefined;
    for (const change of deletes) {
      if (change.kind === 'projects') {
        const id = idOf('projects', change.name);
        if (!id) continue;
        const page = await api.get<{ TotalResults?: number }>(`/api/${space.spaceId}/projects/${id}/releases?take=0`);
        const releases = page.TotalResults ?? 0;
        change.consequences = [releases > 0 ? `its ${releases} release${releases === 1 ? '' : 's'} and their deployment history are deleted with it` : 'it has no releases'];
      } else if (change.kind === 'environments') {
        const id = idOf('environments', change.name);
        if (!id) continue;
        machines ??= await api.getAll<JsonObject>(`/api/${space.spaceId}/machines/all`);
        const targets = machines.filter((machine) => Array.isArray(machine.EnvironmentIds) && machine.EnvironmentIds.includes(id)).map((machine) => String(machine.Name));
        change.consequences = [targets.length > 0 ? `${targets.length} deployment target${targets.length === 1 ? ' is' : 's are'} still in it (${targets.join(', ')}); they lose this environment` : 'no deployment target is in it'];
      }
    }
  }
}

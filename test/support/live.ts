// Reads a simulator's space as the snapshotter does (space-wide endpoints, tenant variables
// through the API the server offers), over plain HTTP so kind tests do not depend on octosync's
// own client.
import type { JsonObject, LiveSpace } from '../../src/core/document.js';
import { capabilitiesOf } from '../../src/kinds/capabilities.js';
import { COLLECTION_READS } from '../../src/kinds/collections.js';
import type { Kind } from '../../src/kinds/types.js';
import type { Simulator } from '../../src/simulator/index.js';

export async function readLive(sim: Pick<Simulator, 'url' | 'apiKey'>, collections: readonly string[], spaceId = 'Spaces-1'): Promise<LiveSpace> {
  const live: Record<string, JsonObject[]> = {};
  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${sim.url}${path}`, { headers: { 'X-Octopus-ApiKey': sim.apiKey } });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  const tenantVariables = collections.includes('tenantvariables');
  const plain = new Set([...collections.filter((c) => c !== 'tenantvariables'), ...(tenantVariables ? ['featuretoggles', 'tenants'] : [])]);
  for (const collection of plain) {
    const read = COLLECTION_READS[collection];
    if (!read) throw new Error(`no read defined for collection '${collection}'`);
    const query = new URLSearchParams({ ...(read.query ?? {}), ...(read.paged ? { skip: '0', take: '2147483647' } : {}) }).toString();
    const path = `/api/${read.serverWide ? '' : `${spaceId}/`}${read.path}${query ? `?${query}` : ''}`;
    const response = await get(path);
    if (response.status !== 200) {
      if ((read.since !== undefined && response.status === 404) || read.absentOnError) {
        live[collection] = [];
        continue;
      }
      throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    const body = response.body as JsonObject | JsonObject[];
    if (read.field === '.') live[collection] = [body as JsonObject];
    else if (read.field !== undefined) live[collection] = ((body as JsonObject)[read.field] ?? []) as JsonObject[];
    else live[collection] = Array.isArray(body) ? body : (body.Items as JsonObject[]);
  }
  if (tenantVariables) {
    if (capabilitiesOf(live).tenantVariableScoping) {
      const connected = (live.tenants ?? []).filter((tenant) => Object.keys((tenant.ProjectEnvironments as JsonObject | undefined) ?? {}).length > 0);
      live.tenantvariables = await Promise.all(
        connected.map(async (tenant) => {
          const base = `/api/${spaceId}/tenants/${String(tenant.Id)}`;
          const [common, project] = await Promise.all([get(`${base}/commonvariables`), get(`${base}/projectvariables`)]);
          return { TenantId: tenant.Id, Scoped: { Common: common.body, Project: project.body } } as JsonObject;
        }),
      );
    } else {
      live.tenantvariables = (await get(`/api/${spaceId}/tenantvariables/all`)).body as JsonObject[];
    }
  }
  return live;
}

/** Every collection the given kinds read. */
export function readsOf(kinds: readonly Kind[]): string[] {
  return [...new Set(kinds.flatMap((kind) => kind.reads))];
}

// Tenant variable routes (see resources/tenant-variables.ts for the two APIs):
// - legacy: `GET|PUT|POST /tenants/{id}/variables` and the space-wide `GET /tenantvariables/all{?projectId}`
//   (a bare array, "sorted alphabetically by id", one entry per tenant);
// - scoped (only while `CommonVariableScopingFeatureToggle` is on, else 404 as on a server without
//   them): `GET|PUT|POST /tenants/{tenantId}/commonvariables` and `/projectvariables`,
//   `?includeMissingVariables=true` adding the templates still without a value.
import type { Call, Reply, Routes } from '../routes.js';
import { connections } from '../resources/tenants.js';
import type { ScopedKind } from '../resources/tenant-variables.js';
import { missingTenantVariables, requireScopedApi, saveScopedVariables, saveTenantVariables, scopedVariablesView, tenantVariablesView } from '../resources/tenant-variables.js';

export function registerTenantVariables(routes: Routes): void {
  routes.space('GET', '/tenants/:id/variables', (call) => ({
    status: 200,
    body: tenantVariablesView(call.instance, call.instance.get('tenants', call.spaceId, call.params.id ?? '')),
  }));
  routes.space('PUT', '/tenants/:id/variables', write);
  routes.space('POST', '/tenants/:id/variables', write);
  routes.space('GET', '/tenantvariables/all', listAll);
  routes.space('GET', '/tenants/variables-missing', (call) => ({ status: 200, body: missingTenantVariables(call.instance, call.spaceId, call.query) }));
  for (const [segment, kind] of [['commonvariables', 'common'], ['projectvariables', 'project']] as const) {
    routes.space('GET', `/tenants/:id/${segment}`, (call) => readScoped(call, kind));
    routes.space('PUT', `/tenants/:id/${segment}`, (call) => writeScoped(call, kind));
    routes.space('POST', `/tenants/:id/${segment}`, (call) => writeScoped(call, kind));
  }
}

function write(call: Call): Reply {
  return { status: 200, body: saveTenantVariables(call.instance, call.spaceId, call.params.id ?? '', call.body) };
}

function readScoped(call: Call, kind: ScopedKind): Reply {
  requireScopedApi(call.instance, call.path);
  const tenant = call.instance.get('tenants', call.spaceId, call.params.id ?? '');
  const includeMissing = (call.query.get('includeMissingVariables') ?? call.query.get('IncludeMissingVariables') ?? '').toLowerCase() === 'true';
  return { status: 200, body: scopedVariablesView(call.instance, tenant, kind, includeMissing) };
}

function writeScoped(call: Call, kind: ScopedKind): Reply {
  requireScopedApi(call.instance, call.path);
  return { status: 200, body: saveScopedVariables(call.instance, call.spaceId, call.params.id ?? '', kind, call.body) };
}

/** `projectId` keeps tenants connected to that project; their values for every project are returned. */
function listAll(call: Call): Reply {
  const projectId = call.query.get('projectId')?.toLowerCase();
  const tenants = call.instance
    .list('tenants', call.spaceId)
    .filter((tenant) => !projectId || Object.keys(connections(tenant)).some((id) => id.toLowerCase() === projectId))
    .sort((a, b) => (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0));
  return { status: 200, body: tenants.map((tenant) => tenantVariablesView(call.instance, tenant)) };
}

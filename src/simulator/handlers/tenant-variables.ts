// Tenant variable routes: `GET|PUT /tenants/{id}/variables` (the swagger also lists a POST with
// the same body, served the same way) and the space-wide `GET /tenantvariables/all{?projectId}`
// (a bare array, "sorted alphabetically by id", one entry per tenant).
import type { Call, Reply, Routes } from '../routes.js';
import { connections } from '../resources/tenants.js';
import { saveTenantVariables, tenantVariablesView } from '../resources/tenant-variables.js';

export function registerTenantVariables(routes: Routes): void {
  routes.space('GET', '/tenants/:id/variables', (call) => ({
    status: 200,
    body: tenantVariablesView(call.instance, call.instance.get('tenants', call.spaceId, call.params.id ?? '')),
  }));
  routes.space('PUT', '/tenants/:id/variables', write);
  routes.space('POST', '/tenants/:id/variables', write);
  routes.space('GET', '/tenantvariables/all', listAll);
}

function write(call: Call): Reply {
  return { status: 200, body: saveTenantVariables(call.instance, call.spaceId, call.params.id ?? '', call.body) };
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

// The community step template library (2026 reference, community-action-templates.md):
// `GET /communityactiontemplates{?skip,take}`, `GET /communityactiontemplates/{id}`,
// `POST|PUT /communityactiontemplates/{id}/installation/{spaceId}` (install into a space, 201; update
// the installed copy to the library's version, 200) and `GET /communityactiontemplates/{id}/actiontemplate/{spaceId}`
// (the installed copy). A server whose library is disabled (`IsCommunityActionTemplatesEnabled:
// false`, an air-gapped server) lists nothing and refuses to install.
import { filterDocs, page, present } from '../collection.js';
import { HttpError, badRequest, notFound } from '../http-error.js';
import type { Instance } from '../instance.js';
import type { Call, Reply, Routes } from '../routes.js';
import type { Doc } from '../store.js';
import { actionTemplates } from '../resources/action-templates.js';
import { communityActionTemplates } from '../resources/community-action-templates.js';

export function registerCommunityActionTemplates(routes: Routes): void {
  routes.system('GET', '/communityactiontemplates', (call) => {
    const docs = call.instance.settings.communityTemplates ? filterDocs(call.instance.list('communityactiontemplates', null), call.query) : [];
    return { status: 200, body: page(call, communityActionTemplates.itemType, docs.map((doc) => present(communityActionTemplates, doc))) };
  });
  routes.system('GET', '/communityactiontemplates/:id', (call) => ({ status: 200, body: present(communityActionTemplates, libraryTemplate(call)) }));
  routes.system('GET', '/communityactiontemplates/:id/actiontemplate/:spaceId', (call) => {
    const installed = installedCopy(call.instance, libraryTemplate(call), spaceOf(call));
    if (!installed) throw notFound(`${call.params.id ?? ''} in ${call.params.spaceId ?? ''}`);
    return { status: 200, body: present(actionTemplates, installed) };
  });
  for (const path of ['/communityactiontemplates/:id/installation/:spaceId', '/communityactiontemplates/:id/installation']) {
    routes.system('POST', path, install);
    routes.system('PUT', path, update);
  }
}

function install(call: Call): Reply {
  const template = installable(call);
  const spaceId = spaceOf(call);
  if (installedCopy(call.instance, template, spaceId)) throw badRequest(`The community step template '${String(template.Name)}' is already installed in this space.`);
  const created = call.instance.create('actiontemplates', spaceId, copyOf(template), { installing: true });
  return { status: 201, body: present(actionTemplates, created) };
}

function update(call: Call): Reply {
  const template = installable(call);
  const spaceId = spaceOf(call);
  const installed = installedCopy(call.instance, template, spaceId);
  if (!installed) throw notFound(`${String(template.Id)} in ${spaceId}`);
  const updated = call.instance.update('actiontemplates', spaceId, installed.Id, { ...copyOf(template), Version: installed.Version }, { installing: true });
  return { status: 200, body: present(actionTemplates, updated) };
}

/** The library's template, when the library is enabled. */
function installable(call: Call): Doc {
  if (!call.instance.settings.communityTemplates) {
    throw new HttpError(400, 'Community step templates are disabled on this server, so none can be installed.');
  }
  return libraryTemplate(call);
}

function libraryTemplate(call: Call): Doc {
  return call.instance.get('communityactiontemplates', null, call.params.id ?? '');
}

/** The space of the installation: the one named in the route, else the default space. */
function spaceOf(call: Call): string {
  const wanted = call.params.spaceId;
  const spaces = call.instance.list('spaces', null);
  const space = wanted ? spaces.find((s) => s.Id.toLowerCase() === wanted.toLowerCase()) : spaces.find((s) => s.IsDefault === true);
  if (!space) throw notFound(wanted ?? 'default space');
  return space.Id;
}

function installedCopy(instance: Instance, template: Doc, spaceId: string): Doc | undefined {
  return instance.visible('actiontemplates', spaceId).find((doc) => doc.CommunityActionTemplateId === template.Id);
}

/** The step template an installation creates: the library's content, tied to the library entry. */
function copyOf(template: Doc): Record<string, unknown> {
  return {
    Name: template.Name,
    Description: template.Description,
    ActionType: template.Type,
    CommunityActionTemplateId: template.Id,
    Properties: structuredClone(template.Properties),
    Parameters: structuredClone(template.Parameters),
    Packages: structuredClone(template.Packages),
  };
}

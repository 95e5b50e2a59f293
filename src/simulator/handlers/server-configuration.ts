// What a client asks a server about itself before it uses newer routes:
// - `GET /api/configuration/feature-toggles{?Name}`: `{FeatureToggles: [{Name, IsEnabled}]}`, the
//   route go-octopusdeploy, the Octopus CLI and the Terraform provider call to learn whether the
//   scoped tenant variable API (`CommonVariableScopingFeatureToggle`) is there. With `Name`, only
//   that toggle is listed (an older server ignores `Name` and lists all; clients check the name).
// - `GET /api/featuresconfiguration` (2026 reference): `IsCommunityActionTemplatesEnabled`, and the
//   switches that differ between Octopus Cloud and a self-hosted server (the built-in worker, feeds
//   on local or SMB paths).
// - `POST /api/deprecations/toggle` (2026 reference, "used to test the impact of deprecations"):
//   `{Deprecation, Enabled}`; `Enabled: true` puts a deprecation in force, so the deprecated route
//   is gone. `Deprecation` names one of DEPRECATED_ROUTES or `All` (the names are ours: the
//   reference does not list them).
import { badRequest, notFound } from '../http-error.js';
import { asObject } from '../instance.js';
import type { Instance } from '../instance.js';
import type { Handler, Routes } from '../routes.js';
import { DEPRECATED_ROUTES, TENANT_VARIABLE_SCOPING_TOGGLE } from '../settings.js';
import type { DeprecatedRoute } from '../settings.js';

export function registerServerConfiguration(routes: Routes): void {
  routes.system('GET', '/configuration/feature-toggles', (call) => {
    const toggles = featureToggles(call.instance);
    const name = call.query.get('Name') ?? call.query.get('name');
    const listed = name ? toggles.filter((toggle) => toggle.Name.toLowerCase() === name.toLowerCase()) : toggles;
    return { status: 200, body: { FeatureToggles: listed, Links: {} } };
  });

  routes.system('GET', '/featuresconfiguration', (call) => {
    const { settings } = call.instance;
    const cloud = settings.flavour === 'cloud';
    return {
      status: 200,
      body: {
        Id: 'features',
        DefaultPowerShellEdition: 'Desktop',
        HelpSidebarSupportLink: null,
        HelpSidebarSupportLinkLabel: null,
        IsAutomaticStepUpdatesEnabled: false,
        // Octopus Cloud runs steps on dynamic workers, never on the server itself.
        IsBuiltInWorkerEnabled: !cloud,
        IsCommunityActionTemplatesEnabled: settings.communityTemplates,
        IsCompositeDockerHubRegistryFeedEnabled: false,
        // Cloud has no local disks or shares to read packages from.
        IsConfigureFeedsWithLocalOrSmbPathsEnabled: !cloud,
        IsExperimentalUIFeatureEnabled: false,
        IsGitHubAppEnabled: cloud,
        IsHelpSidebarEnabled: true,
        IsKubernetesCloudTargetDiscoveryEnabled: false,
        IsProjectsPageOnboardingEnabled: false,
        IsProjectsPageOptimizationEnabled: false,
        IsWebhookTriggerEnabled: false,
        LastModifiedBy: null,
        LastModifiedOn: null,
        Links: { Self: '/api/featuresconfiguration' },
      },
    };
  });

  const toggle: Handler = (call) => {
    const body = asObject(call.body);
    const name = typeof body.Deprecation === 'string' ? body.Deprecation : '';
    if (name === '') throw badRequest('The Deprecation field is required.');
    if (typeof body.Enabled !== 'boolean') throw badRequest('The Enabled field is required.');
    const named = name.toLowerCase() === 'all' ? [...DEPRECATED_ROUTES] : DEPRECATED_ROUTES.filter((route) => route.toLowerCase() === name.toLowerCase());
    if (named.length === 0) throw badRequest(`There is no deprecation '${name}'. Known: All, ${DEPRECATED_ROUTES.join(', ')}.`);
    for (const route of named) {
      if (body.Enabled) call.instance.settings.deprecatedRoutes.delete(route);
      else call.instance.settings.deprecatedRoutes.add(route);
    }
    return { status: 200, body: {} };
  };
  routes.system('POST', '/deprecations/toggle', toggle);
}

function featureToggles(instance: Instance): { Name: string; IsEnabled: boolean }[] {
  return [{ Name: TENANT_VARIABLE_SCOPING_TOGGLE, IsEnabled: instance.settings.tenantVariableScoping }];
}

/** A deprecated route's handler: 404 once the deprecation is in force, as a server that removed it answers. */
export function deprecated(route: DeprecatedRoute, handler: Handler): Handler {
  return (call) => {
    if (!call.instance.settings.deprecatedRoutes.has(route)) throw notFound(call.path);
    return handler(call);
  };
}

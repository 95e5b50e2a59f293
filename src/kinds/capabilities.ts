// What a server can hold beyond its version, read from pseudo-collections of its live state
// (collections.ts): whether it is Octopus Cloud, whether it has the scoped tenant variable API,
// whether it can install community step templates. Pure.
import type { LiveSpace } from '../core/document.js';

export type Flavour = 'cloud' | 'self-hosted';

/** The feature toggle the scoped tenant variable API is behind (go-octopusdeploy, the CLI and the Terraform provider ask for it by this name). */
export const TENANT_VARIABLE_SCOPING_TOGGLE = 'CommonVariableScopingFeatureToggle';

export interface Capabilities {
  /**
   * `cloud` when the dynamic worker service lists worker types: only Octopus Cloud runs one, a
   * self-hosted server answers 500 "Unable to connect to the Dynamic Worker service" (2026 reference).
   */
  flavour: Flavour;
  /**
   * `/tenants/{id}/commonvariables` and `/projectvariables` (values unscoped or scoped to several
   * environments), on when the toggle is; with it on, the legacy `PUT /tenants/{id}/variables` is
   * not accessible (the Octopus CLI team, OctopusDeploy/cli#489).
   */
  tenantVariableScoping: boolean;
  /** Whether community step templates can be installed (`IsCommunityActionTemplatesEnabled`). */
  communityTemplates: boolean;
  /** Whether feeds may read packages from the server's disks or shares (`IsConfigureFeedsWithLocalOrSmbPathsEnabled`; not on Cloud). */
  localFeedPaths: boolean;
}

/** The collections `capabilitiesOf` reads. */
export const CAPABILITY_READS = ['featuretoggles', 'featuresconfiguration', 'dynamicworkertypes'] as const;

export function capabilitiesOf(live: LiveSpace): Capabilities {
  const toggle = (live.featuretoggles ?? []).find((entry) => String(entry.Name).toLowerCase() === TENANT_VARIABLE_SCOPING_TOGGLE.toLowerCase());
  const features = (live.featuresconfiguration ?? [])[0];
  return {
    flavour: (live.dynamicworkertypes ?? []).length > 0 ? 'cloud' : 'self-hosted',
    tenantVariableScoping: toggle?.IsEnabled === true,
    communityTemplates: features?.IsCommunityActionTemplatesEnabled !== false,
    localFeedPaths: features?.IsConfigureFeedsWithLocalOrSmbPathsEnabled !== false,
  };
}

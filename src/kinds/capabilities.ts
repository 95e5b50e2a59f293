// What a server can hold beyond its version, read from pseudo-collections of its live state
// (collections.ts): whether it is Octopus Cloud, whether it has the scoped tenant variable API,
// whether it can install community step templates. The feature toggles are read with every space;
// the features configuration and the dynamic worker types only when the data asks what they tell
// (on-demand-reads.ts). Pure.
import type { JsonObject, LiveSpace } from '../core/document.js';

export type Flavour = 'cloud' | 'self-hosted';

/** The feature toggle the scoped tenant variable API is behind (go-octopusdeploy, the CLI and the Terraform provider ask for it by this name). */
export const TENANT_VARIABLE_SCOPING_TOGGLE = 'CommonVariableScopingFeatureToggle';

export interface Capabilities {
  /**
   * `cloud` when the space has a dynamic worker pool or, where that was asked, the dynamic worker
   * service lists worker types: only Octopus Cloud runs that service (a self-hosted server answers
   * 500 "Unable to connect to the Dynamic Worker service", 2026 reference), so only Cloud has
   * dynamic pools. A Cloud space without one reads as self-hosted unless the service was asked.
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

/** The collections `capabilitiesOf` reads with every space (the others are read on demand). */
export const CAPABILITY_READS = ['featuretoggles'] as const;

export function capabilitiesOf(live: LiveSpace): Capabilities {
  const toggle = (live.featuretoggles ?? []).find((entry) => String(entry.Name).toLowerCase() === TENANT_VARIABLE_SCOPING_TOGGLE.toLowerCase());
  const features = (live.featuresconfiguration ?? [])[0];
  return {
    flavour: (live.dynamicworkertypes ?? []).length > 0 || hasDynamicPool(live.workerpools ?? []) ? 'cloud' : 'self-hosted',
    tenantVariableScoping: toggle?.IsEnabled === true,
    communityTemplates: features?.IsCommunityActionTemplatesEnabled !== false,
    localFeedPaths: features?.IsConfigureFeedsWithLocalOrSmbPathsEnabled !== false,
  };
}

/** Whether one of these worker pools (API resources or document bodies) is a dynamic one. */
export function hasDynamicPool(pools: readonly JsonObject[]): boolean {
  return pools.some((pool) => pool.WorkerPoolType === 'DynamicWorkerPool');
}

/** A path on the server's disk or a share (`C:\packages`, `\\server\share`, `/var/packages`, `file://`), not a URL: what only `localFeedPaths` allows. */
export function isLocalPath(uri: unknown): boolean {
  return typeof uri === 'string' && (/^[a-z]:[\\/]/i.test(uri) || uri.startsWith('\\\\') || uri.startsWith('/') || uri.toLowerCase().startsWith('file:'));
}

// What kind of server the simulator is: its version, whether it is Octopus Cloud or a
// self-hosted Octopus Server, and the switches a 2026 server has (feature toggles, deprecated
// routes, the community step template library). Seeds and handlers read them; tests change them
// through `sim.instance.settings` (or, for deprecations, the documented toggle route).

export type Flavour = 'self-hosted' | 'cloud';

/** A 2026 build (the reference-2026 pages were generated from a 2026 server; the build number is ours). */
export const DEFAULT_SERVER_VERSION = '2026.2.4127';

/** The feature toggle that gates scoped tenant variables (go-octopusdeploy, the CLI and the Terraform provider ask for it by this name). */
export const TENANT_VARIABLE_SCOPING_TOGGLE = 'CommonVariableScopingFeatureToggle';

/**
 * The routes the 2026 reference marks deprecated ("may be removed in a future release") among
 * those the simulator serves. Turning deprecated routes off makes them answer 404, as a server
 * that removed them would.
 */
export const DEPRECATED_ROUTES = ['GET /channels', 'GET /channels/{id}', 'PUT /deploymentprocesses/{id}'] as const;

export type DeprecatedRoute = (typeof DEPRECATED_ROUTES)[number];

export interface ServerSettings {
  version: string;
  flavour: Flavour;
  /** `CommonVariableScopingFeatureToggle`: the scoped tenant variable API is served and the legacy write refused. */
  tenantVariableScoping: boolean;
  /** Deprecated routes still served (default: all). */
  deprecatedRoutes: Set<DeprecatedRoute>;
  /** Whether the community step template library can be browsed and installed from (`IsCommunityActionTemplatesEnabled`). */
  communityTemplates: boolean;
}

export interface SettingsOptions {
  version?: string;
  flavour?: Flavour;
  tenantVariableScoping?: boolean;
  /** `false` serves none of the deprecated routes. */
  deprecatedRoutes?: boolean;
  communityTemplates?: boolean;
}

export function serverSettings(options: SettingsOptions = {}): ServerSettings {
  return {
    version: options.version ?? DEFAULT_SERVER_VERSION,
    flavour: options.flavour ?? 'self-hosted',
    tenantVariableScoping: options.tenantVariableScoping ?? true,
    deprecatedRoutes: new Set(options.deprecatedRoutes === false ? [] : DEPRECATED_ROUTES),
    communityTemplates: options.communityTemplates ?? true,
  };
}

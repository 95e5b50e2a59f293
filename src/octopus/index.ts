// The Octopus REST client: the public surface of src/octopus/.
export { createOctopusClient, DEFAULT_MAX_CONCURRENCY, OctopusClient } from './client.js';
export type { HttpMethod, ListOptions, OctopusApi, OctopusClientOptions, OctopusLogger, RequestOptions } from './client.js';
export { isOctopusApiError, OctopusApiError } from './errors.js';
export type { OctopusApiErrorData, OctopusApiErrorJson, OctopusErrorReason } from './errors.js';
export { readAllPages, TAKE_ALL } from './paging.js';
export type { PageReader, PagingOptions, ResourceCollection } from './paging.js';
export { parseServerUrl, routeOf, spacePath } from './paths.js';
export type { Query, QueryValue } from './paths.js';
export { redactSecrets } from './redact.js';
export { DEFAULT_RETRY_OPTIONS } from './retry.js';
export type { RetryOptions } from './retry.js';
export { checkServer } from './server-check.js';
export type { CheckServerOptions, ServerInfo } from './server-check.js';
export { resolveSpaceId } from './spaces.js';
export type { SpaceSummary } from './spaces.js';
export type { RequestStats } from './stats.js';
export { compareVersions, isSupportedVersion, MINIMUM_SERVER_VERSION, parseVersion } from './version.js';
export { withSignal } from './with-signal.js';

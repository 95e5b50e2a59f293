import { badRequest } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';
import { checkOneOf } from './common.js';

export const FEED_TYPES = [
  'NuGet', 'Docker', 'Maven', 'GitHub', 'Helm', 'AwsElasticContainerRegistry', 'BuiltIn', 'OctopusProject',
  'OciRegistry', 'AzureContainerRegistry', 'GoogleContainerRegistry', 'ArtifactoryGeneric', 'Npm', 'PyPi',
] as const;

/** Fields each feed type adds to the base feed (OctopusClients Model/*FeedResource.cs). */
const FEED_TYPE_FIELDS: Record<string, Record<string, unknown>> = {
  NuGet: { FeedUri: null, Username: null, EnhancedMode: false, DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10 },
  Docker: { FeedUri: null, RegistryPath: null, ApiVersion: null, Username: null, DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10 },
  Maven: { FeedUri: null, Username: null, DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10 },
  GitHub: { FeedUri: null, Username: null, DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10 },
  Helm: { FeedUri: null, Username: null },
  AwsElasticContainerRegistry: { Region: null, AccessKey: null, UseMachineCredentials: false },
  BuiltIn: { DeleteUnreleasedPackagesAfterDays: 30, DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10, IsBuiltInRepoSyncEnabled: false },
  OctopusProject: {},
};

/** Feed types whose credentials are a username and `Password`; ECR uses `SecretKey`. */
const PASSWORD_FEEDS = new Set(['NuGet', 'Docker', 'Maven', 'GitHub', 'Helm', 'OciRegistry', 'AzureContainerRegistry', 'GoogleContainerRegistry', 'ArtifactoryGeneric', 'Npm', 'PyPi']);
const SYSTEM_FEEDS = new Set(['BuiltIn', 'OctopusProject']);

export const feeds: ResourceDef = {
  collection: 'feeds',
  idPrefix: 'Feeds',
  itemType: 'Feed',
  scope: 'space',
  slug: true,
  required: ['Name', 'FeedType'],
  createOnly: ['FeedType'],
  defaults: () => ({ Name: '', FeedType: 'NuGet', PackageAcquisitionLocationOptions: ['Server', 'ExecutionTarget'] }),
  sensitiveFields: ['Password', 'SecretKey'],
  filters: { feedType: (doc, value) => String(doc.FeedType).toLowerCase() === value.toLowerCase() },
  validate: (doc, ctx) => {
    const errors = checkOneOf(doc, 'FeedType', FEED_TYPES);
    if (!ctx.previous && SYSTEM_FEEDS.has(String(doc.FeedType))) errors.push(`FeedType: a ${String(doc.FeedType)} feed is built in and cannot be created.`);
    if (['NuGet', 'Docker', 'Maven', 'GitHub', 'Helm'].includes(String(doc.FeedType)) && !doc.FeedUri) errors.push('The FeedUri field is required.');
    return errors;
  },
  prepare: (doc) => {
    const type = String(doc.FeedType);
    for (const [field, value] of Object.entries(FEED_TYPE_FIELDS[type] ?? {})) if (doc[field] === undefined) doc[field] = value;
    // A feed type without that kind of secret shows no such field.
    if (!PASSWORD_FEEDS.has(type)) delete doc.Password;
    if (type !== 'AwsElasticContainerRegistry') delete doc.SecretKey;
  },
  beforeDelete: (doc) => {
    if (SYSTEM_FEEDS.has(String(doc.FeedType))) throw badRequest('Built-in feeds cannot be deleted.');
  },
};

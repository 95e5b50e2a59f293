import type { ResourceDef } from '../resource-def.js';
import { checkOneOf, checkTenantTags, ref, TENANTED_MODES } from './common.js';

/** Per account type: its plain fields with defaults, and its secret fields (OctopusClients Model/Accounts). */
const ACCOUNT_TYPES: Record<string, { fields: Record<string, unknown>; secrets: string[] }> = {
  UsernamePassword: { fields: { Username: null }, secrets: ['Password'] },
  Token: { fields: {}, secrets: ['Token'] },
  AmazonWebServicesAccount: { fields: { AccessKey: null }, secrets: ['SecretKey'] },
  AzureServicePrincipal: {
    fields: { SubscriptionNumber: null, ClientId: null, TenantId: null, AzureEnvironment: '', ResourceManagementEndpointBaseUri: '', ActiveDirectoryEndpointBaseUri: '' },
    secrets: ['Password'],
  },
  SshKeyPair: { fields: { Username: null }, secrets: ['PrivateKeyFile', 'PrivateKeyPassphrase'] },
  GoogleCloudAccount: { fields: {}, secrets: ['JsonKey'] },
  GenericOidcAccount: { fields: { Audience: null, DeploymentSubjectKeys: [] }, secrets: [] },
  None: { fields: {}, secrets: [] },
};
const ALL_SECRETS = [...new Set(Object.values(ACCOUNT_TYPES).flatMap((type) => type.secrets))];

// Accounts are never synced by octosync; they exist here so variables and steps can refer to them.
export const accounts: ResourceDef = {
  collection: 'accounts',
  idPrefix: 'Accounts',
  itemType: 'Account',
  scope: 'space',
  slug: true,
  required: ['Name', 'AccountType'],
  createOnly: ['AccountType'],
  sensitiveFields: ALL_SECRETS,
  defaults: () => ({
    Name: '',
    Description: null,
    AccountType: 'None',
    EnvironmentIds: [],
    TenantIds: [],
    TenantTags: [],
    TenantedDeploymentParticipation: 'Untenanted',
  }),
  references: [ref('EnvironmentIds', 'environments'), ref('TenantIds', 'tenants')],
  filters: { accountType: (doc, value) => String(doc.AccountType).toLowerCase() === value.toLowerCase() },
  validate: (doc, ctx) => [
    ...checkOneOf(doc, 'AccountType', Object.keys(ACCOUNT_TYPES)),
    ...checkOneOf(doc, 'TenantedDeploymentParticipation', TENANTED_MODES),
    ...checkTenantTags(ctx.instance, ctx.spaceId, doc.TenantTags),
  ],
  prepare: (doc) => {
    const type = ACCOUNT_TYPES[String(doc.AccountType)] ?? { fields: {}, secrets: [] };
    for (const [field, value] of Object.entries(type.fields)) if (doc[field] === undefined) doc[field] = value;
    for (const secret of ALL_SECRETS) if (!type.secrets.includes(secret)) delete doc[secret];
  },
};

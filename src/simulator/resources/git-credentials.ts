// Git credentials of a space (`/api/{spaceId}/git-credentials`, reference-2026 spaces.md): a
// name, a description, `Details` (`Type`, `Username`, and a `Password` SensitiveValue kept in the
// secret store like every other secret) and `RepositoryRestrictions`. Steps refer to one by id
// from their `GitDependencies`.
import type { ResourceDef } from '../resource-def.js';
import { applySensitiveValue } from '../sensitive.js';
import { checkOneOf } from './common.js';

const DETAIL_TYPES = ['UsernamePassword', 'Anonymous', 'Library', 'GitHub', 'NotSpecified', 'SshKey'];

export const gitCredentials: ResourceDef = {
  collection: 'git-credentials',
  idPrefix: 'GitCredentials',
  itemType: 'GitCredential',
  scope: 'space',
  slug: true,
  required: ['Name'],
  defaults: () => ({ Name: '', Description: null, Details: { Type: 'UsernamePassword' }, RepositoryRestrictions: { Enabled: false, AllowedRepositories: [] } }),
  validate: (doc) => {
    const details = asObject(doc.Details);
    const errors = checkOneOf({ Id: doc.Id, Type: details.Type ?? 'UsernamePassword' }, 'Type', DETAIL_TYPES).map((error) => `Details.${error}`);
    if ((details.Type ?? 'UsernamePassword') === 'UsernamePassword' && (typeof details.Username !== 'string' || details.Username === '')) {
      errors.push('The Details.Username field is required.');
    }
    return errors;
  },
  prepare: (doc, ctx) => {
    const details = asObject(doc.Details);
    const sent = asObject(ctx.input?.Details).Password;
    doc.Details = { Type: 'UsernamePassword', ...details, Password: applySensitiveValue(ctx.instance.store, `${doc.Id}:Details.Password`, sent, ctx.previous === undefined) };
  },
};

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

// Git credentials of a space (`/api/{spaceId}/git-credentials`, reference-2026 spaces.md): a
// name, a description, `Details` (`Type`, `Username`, and a `Password` SensitiveValue kept in the
// secret store like every other secret) and `RepositoryRestrictions`. Steps refer to one by id
// from their `GitDependencies`.
import { badRequest } from '../http-error.js';
import type { ResourceDef, SaveContext } from '../resource-def.js';
import type { Doc } from '../store.js';
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
  validate: (doc, ctx) => {
    const details = asObject(doc.Details);
    const errors = checkOneOf({ Id: doc.Id, Type: details.Type ?? 'UsernamePassword' }, 'Type', DETAIL_TYPES).map((error) => `Details.${error}`);
    if ((details.Type ?? 'UsernamePassword') === 'UsernamePassword' && (typeof details.Username !== 'string' || details.Username === '')) {
      errors.push('The Details.Username field is required.');
    }
    // The reference marks the password required: a new credential needs one.
    const password = asObject(asObject(ctx.input?.Details).Password);
    if (ctx.previous === undefined && (details.Type ?? 'UsernamePassword') === 'UsernamePassword' && (typeof password.NewValue !== 'string' || password.NewValue === '')) {
      errors.push('The Details.Password field is required.');
    }
    return errors;
  },
  beforeDelete: refuseUsed,
  prepare: (doc, ctx) => {
    const details = asObject(doc.Details);
    const sent = asObject(ctx.input?.Details).Password;
    doc.Details = { Type: 'UsernamePassword', ...details, Password: applySensitiveValue(ctx.instance.store, `${doc.Id}:Details.Password`, sent, ctx.previous === undefined) };
  },
};

/** A credential a project's Git connection uses cannot be deleted (inferred; the usage route lists them). */
function refuseUsed(doc: Doc, ctx: SaveContext): void {
  const users = ctx.instance.visible('projects', ctx.spaceId).filter((project) => {
    const credentials = asObject(asObject(project.PersistenceSettings).Credentials);
    return credentials.Type === 'Reference' && String(credentials.Id).toLowerCase() === doc.Id.toLowerCase();
  });
  if (users.length > 0) throw badRequest(`The git credential '${String(doc.Name)}' is used by ${users.map((p) => `'${String(p.Name)}'`).join(', ')} and cannot be deleted.`);
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

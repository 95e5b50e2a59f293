// Git credentials (Library → Git Credentials): `git-credentials/<slug>.yaml`. Version-controlled
// projects and steps with Git dependencies refer to one by name. The password is never
// readable: it is written as `{HasValue: true}` and supplied per destination by its overlay
// (`secrets: {git-credentials/<name>: {Details.Password: {valueFrom: ...}}}`).
import { compareNames } from '../../core/canonical.js';
import { asArray, isObject, sensitiveMarker } from '../fields.js';
import { simpleKind } from '../simple-kind.js';

export const gitCredentials = simpleKind({
  name: 'git-credentials',
  title: 'git credential',
  collection: 'gitcredentials',
  path: 'git-credentials',
  dependsOn: [],
  normalize: (body) => {
    if (isObject(body.Details)) {
      const details = { ...body.Details };
      if ('Password' in details) details.Password = sensitiveMarker(details.Password);
      body.Details = details;
    }
    // Which repositories may use it: a set, whatever order the server keeps.
    if (isObject(body.RepositoryRestrictions) && Array.isArray(body.RepositoryRestrictions.AllowedRepositories)) {
      body.RepositoryRestrictions = { ...body.RepositoryRestrictions, AllowedRepositories: asArray(body.RepositoryRestrictions.AllowedRepositories).map(String).sort(compareNames) };
    }
  },
  // A real server refuses to create a credential without its password (reference-2026 spaces.md).
  createRequires: ['Details.Password'],
});

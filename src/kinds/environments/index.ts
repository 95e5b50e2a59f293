import { compareNames } from '../../core/canonical.js';
import { asArray } from '../fields.js';
import { simpleKind } from '../simple-kind.js';

export const environments = simpleKind({
  name: 'environments',
  title: 'environment',
  collection: 'environments',
  // Environment tags (2025+) are tags of tag sets scoped to environments.
  dependsOn: ['tag-sets'],
  // ExtensionSettings are owned by server extensions (read-only through this API).
  drop: ['ExtensionSettings'],
  normalize: (body) => {
    if (Array.isArray(body.EnvironmentTags)) body.EnvironmentTags = body.EnvironmentTags.map(String).sort(compareNames);
  },
  nestedReferences: (body) => asArray(body.EnvironmentTags).map((tag, index) => ({ pointer: `/EnvironmentTags/${index}`, kind: 'tag-sets', name: String(tag) })),
});

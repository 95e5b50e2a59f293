import { asArray } from '../fields.js';
import { simpleKind } from '../simple-kind.js';

export const environments = simpleKind({
  name: 'environments',
  title: 'environment',
  collection: 'environments',
  // 2026 servers tag environments with tags of tag sets (`EnvironmentTags`, canonical
  // `Tag Set/Tag` names): the tag sets are written first.
  dependsOn: ['tag-sets'],
  // ExtensionSettings are owned by server extensions (read-only through this API).
  drop: ['ExtensionSettings'],
  nestedReferences: (body) => asArray(body.EnvironmentTags).map((tag, index) => ({ pointer: `/EnvironmentTags/${index}`, kind: 'tag-sets', name: String(tag) })),
});

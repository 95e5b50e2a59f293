import { simpleKind } from '../simple-kind.js';

export const environments = simpleKind({
  name: 'environments',
  title: 'environment',
  collection: 'environments',
  dependsOn: [],
  // ExtensionSettings are owned by server extensions (read-only through this API).
  drop: ['ExtensionSettings'],
});

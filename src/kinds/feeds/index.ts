import { simpleKind } from '../simple-kind.js';

/** Feeds every space has from birth; they are referred to by name, never synced. */
const BUILT_IN_FEED_TYPES = new Set(['BuiltIn', 'OctopusProject']);

// Credentials are never readable: a feed's Password (SecretKey for ECR) is written as
// `{HasValue: true}` and supplied per destination by its overlay.
export const feeds = simpleKind({
  name: 'feeds',
  title: 'feed',
  collection: 'feeds',
  dependsOn: [],
  include: (resource) => !BUILT_IN_FEED_TYPES.has(String(resource.FeedType)),
  sensitive: ['Password', 'SecretKey'],
});

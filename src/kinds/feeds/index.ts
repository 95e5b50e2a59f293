import type { JsonObject } from '../../core/document.js';
import { simpleKind } from '../simple-kind.js';

/** Feeds every space has from birth; they are referred to by name, never synced. */
const BUILT_IN_FEED_TYPES = new Set(['BuiltIn', 'OctopusProject']);

/**
 * Whether a feed is one the space comes with. Servers before the `BuiltIn` feed type (2018.x)
 * report the built-in package repository as a NuGet feed at `octopus://` (recorded fixture
 * feed-builtin-2018.11.2.json); no feed anyone creates has that address.
 */
function isBuiltIn(resource: JsonObject): boolean {
  return BUILT_IN_FEED_TYPES.has(String(resource.FeedType)) || (typeof resource.FeedUri === 'string' && resource.FeedUri.toLowerCase().startsWith('octopus://'));
}

// Credentials are never readable: a feed's Password (SecretKey for ECR) is written as
// `{HasValue: true}` and supplied per destination by its overlay.
export const feeds = simpleKind({
  name: 'feeds',
  title: 'feed',
  collection: 'feeds',
  dependsOn: [],
  include: (resource) => !isBuiltIn(resource),
  sensitive: ['Password', 'SecretKey'],
});

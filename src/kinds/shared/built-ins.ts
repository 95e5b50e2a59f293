// What every Octopus space has without anyone creating it, by name. Documents refer to these by
// name like to anything else, and the name resolves in every instance: `validate` and `plan`
// know them even when no document (and no destination resource read so far) defines them.
import type { KindName } from '../../core/document.js';

/**
 * The built-in feeds: their ids are the same on every server, and they are not documents of the
 * feeds kind (a space comes with them), so a reference to one resolves even when the feed list
 * predates the feed (an old export) or was not read.
 */
export const BUILT_IN_FEEDS: Readonly<Record<string, string>> = {
  'feeds-builtin': 'Octopus Server (built-in)',
  'feeds-builtin-releases': 'Octopus Server Releases (built-in)',
};

/** The built-in releases feed: a package from it is a project's releases ("Deploy a release"). */
export const RELEASES_FEED_ID = 'feeds-builtin-releases';

/**
 * Names every space resolves: the built-in feeds, the system teams (server-wide, `SpaceId: null`,
 * never synced) and the space managers team, the default worker pool and machine policy.
 */
export const BUILT_IN_NAMES: Readonly<Partial<Record<KindName, readonly string[]>>> = {
  feeds: Object.values(BUILT_IN_FEEDS),
  teams: ['Everyone', 'Octopus Administrators', 'Octopus Managers', 'Space Managers'],
  'worker-pools': ['Default Worker Pool'],
  'machine-policies': ['Default Machine Policy'],
};

/** The name of a built-in feed id, if it is one. */
export function builtInFeedName(id: string): string | undefined {
  return BUILT_IN_FEEDS[id.toLowerCase()];
}

/** The id of a built-in feed name, if it is one. */
export function builtInFeedId(name: string): string | undefined {
  return Object.entries(BUILT_IN_FEEDS).find(([, builtIn]) => builtIn.toLowerCase() === name.toLowerCase())?.[0];
}

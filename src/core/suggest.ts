// "Did you mean …?": the known name a misspelt one probably stands for.
import { closest, distance } from 'fastest-levenshtein';

/**
 * The known name `key` is probably a misspelling of: the same but for case, or at most two edits
 * away (one for short names), never a name it merely shares a prefix with.
 */
export function suggest(key: string, known: Iterable<string>): string | undefined {
  const candidates = [...known];
  if (candidates.length === 0) return undefined;
  const sameButCase = candidates.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  if (sameButCase) return sameButCase;
  const nearest = closest(key, candidates);
  const allowed = key.length <= 5 ? 1 : 2;
  return distance(key, nearest) <= allowed ? nearest : undefined;
}

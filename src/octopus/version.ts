// Octopus version numbers (`2025.2.9341`, `2022.3.10640-hotfix.1`) and the oldest one supported.

/**
 * The oldest Octopus Server octosync supports. 2022.3 because:
 * - it is the floor the official TypeScript client (`@octopusdeploy/api-client`) enforces for its
 *   newer endpoints (`2022.3.5512`), so the API shapes we read and the ones that client (our
 *   independent fidelity check) expects agree from there on;
 * - everything octosync relies on (spaces, space-scoped `/all` endpoints, `SensitiveValue`
 *   semantics, the `{ErrorMessage, Errors}` envelope) is present in every release since;
 * - we have no reference material (swagger, recorded responses) or test bed for older servers.
 * Only the release line is compared (2022.3.0 and any build of 2022.3 pass).
 */
export const MINIMUM_SERVER_VERSION = '2022.3';

export interface ParsedVersion {
  /** Numeric parts: `[2025, 2, 9341]`. */
  numbers: number[];
  /** Text after `-` (`rc1`, `hotfix.1`), if any. Build metadata after `+` is ignored. */
  preRelease: string | undefined;
}

/** Undefined when `version` does not start with a number (`"local"`, `""`). */
export function parseVersion(version: string): ParsedVersion | undefined {
  const match = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (!match?.[1]) return undefined;
  return { numbers: match[1].split('.').map((part) => Number.parseInt(part, 10)), preRelease: match[2] };
}

/**
 * -1, 0 or 1 as `a` is older than, the same as or newer than `b`. Parts compare as numbers
 * (`2022.10` is newer than `2022.3`, which a string compare gets wrong) and a missing part counts as
 * 0. A pre-release sorts before its release, as in semver. Throws on an unreadable version.
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const left = parseOrThrow(a);
  const right = parseOrThrow(b);
  const length = Math.max(left.numbers.length, right.numbers.length);
  for (let i = 0; i < length; i += 1) {
    const diff = (left.numbers[i] ?? 0) - (right.numbers[i] ?? 0);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  if (left.preRelease === right.preRelease) return 0;
  if (left.preRelease === undefined) return 1;
  if (right.preRelease === undefined) return -1;
  return left.preRelease < right.preRelease ? -1 : 1;
}

/** Whether `version` is at least `minimum`, comparing only as many parts as `minimum` has. */
export function isSupportedVersion(version: string, minimum: string = MINIMUM_SERVER_VERSION): boolean {
  const parsed = parseOrThrow(version);
  const floor = parseOrThrow(minimum);
  // Compare the release line only, so 2022.3.0-rc1 satisfies a floor of 2022.3.
  const truncated = parsed.numbers.slice(0, floor.numbers.length).join('.');
  return compareVersions(truncated, floor.numbers.join('.')) >= 0;
}

function parseOrThrow(version: string): ParsedVersion {
  const parsed = parseVersion(version);
  if (!parsed) throw new TypeError(`'${version}' is not a version number`);
  return parsed;
}

// Keeps API keys out of everything the client lets escape: error messages, `toJSON()`, causes and
// log lines. Octopus accepts a key in the `X-Octopus-ApiKey` header (which we use) but also as an
// `apikey` query parameter, so a caller-built path or an undici error quoting a URL may carry one.

/** Octopus API keys are `API-` followed by upper-case letters and digits. */
const API_KEY_PATTERN = /API-[A-Z0-9]+/g;
/** `?apikey=...`, `&ApiKey=...`, `api_key=...`, whatever the value looks like. */
const QUERY_KEY_PATTERN = /([?&;]api[-_]?key=)[^&#\s"']*/gi;
/** `https://user:password@host` in a URL. */
const URL_USERINFO_PATTERN = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s"']+@/gi;

export const REDACTED = '***';

/**
 * Replaces API keys (the configured ones and anything shaped like one) in `text`. A secret shorter
 * than 4 characters is not searched for: replacing it would mangle ordinary words, and such a key
 * is not a real Octopus key anyway (the pattern above still applies).
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join(REDACTED);
  }
  return result
    .replace(API_KEY_PATTERN, `API-${REDACTED}`)
    .replace(QUERY_KEY_PATTERN, `$1${REDACTED}`)
    .replace(URL_USERINFO_PATTERN, `$1${REDACTED}@`);
}

// The one error type of the Octopus client. Everything a command needs to report a failure, and
// nothing secret: every string is passed through `redactSecrets` before it is stored.
import { redactSecrets } from './redact.js';

/**
 * - `http-status`: the server answered with an error status.
 * - `network`: no answer (refused, reset, dropped...).
 * - `timeout`: the server accepted the connection but did not answer in time.
 * - `invalid-response`: an answer that is not the JSON expected (a proxy's HTML page, ...).
 * - `unsupported-server`: not an Octopus server, or an older version than octosync supports.
 * - `not-found`: a name lookup (a space by name) found nothing.
 * - `aborted`: the caller's AbortSignal fired.
 */
export type OctopusErrorReason = 'http-status' | 'network' | 'timeout' | 'invalid-response' | 'unsupported-server' | 'not-found' | 'aborted';

export interface OctopusApiErrorData {
  reason: OctopusErrorReason;
  method: string;
  /** The API path without query string, e.g. `/api/Spaces-1/environments`. */
  route: string;
  /** The server's base URL (origin plus path prefix). */
  server: string;
  status?: number;
  /** The server's `ErrorMessage`. */
  errorMessage?: string;
  /** The server's `Errors[]`. */
  errors?: string[];
  /** A later attempt could succeed (429, 5xx, a dropped connection). */
  retryable: boolean;
  /** HTTP requests made for this call, retries included. */
  attempts?: number;
  /** Replaces the generated message (the `METHOD route failed...` prefix is kept). */
  detail?: string;
  /** Appended to the message, e.g. why the client stopped retrying. */
  note?: string;
  cause?: unknown;
}

export interface OctopusApiErrorJson {
  name: 'OctopusApiError';
  code: 'OCTOPUS_API_ERROR';
  reason: OctopusErrorReason;
  message: string;
  method: string;
  route: string;
  server: string;
  status: number | undefined;
  errorMessage: string | undefined;
  errors: string[];
  retryable: boolean;
  attempts: number;
  cause: { name: string; message: string; code?: string } | undefined;
}

export class OctopusApiError extends Error {
  override readonly name = 'OctopusApiError';
  readonly code = 'OCTOPUS_API_ERROR';
  readonly reason: OctopusErrorReason;
  readonly method: string;
  readonly route: string;
  readonly server: string;
  readonly status: number | undefined;
  readonly errorMessage: string | undefined;
  readonly errors: string[];
  readonly retryable: boolean;
  readonly attempts: number;

  /** `secrets` (the configured API key) are redacted along with anything shaped like a key. */
  constructor(data: OctopusApiErrorData, secrets: readonly string[] = []) {
    const clean = (text: string): string => redactSecrets(text, secrets);
    const fields = {
      ...data,
      route: clean(data.route),
      server: clean(data.server),
      errorMessage: data.errorMessage === undefined ? undefined : clean(data.errorMessage),
      errors: (data.errors ?? []).map(clean),
      detail: data.detail === undefined ? undefined : clean(data.detail),
      note: data.note === undefined ? undefined : clean(data.note),
      attempts: data.attempts ?? 1,
    };
    super(clean(formatMessage(fields)), data.cause === undefined ? undefined : { cause: redactCause(data.cause, secrets) });
    this.reason = data.reason;
    this.method = data.method;
    this.route = fields.route;
    this.server = fields.server;
    this.status = data.status;
    this.errorMessage = fields.errorMessage;
    this.errors = fields.errors;
    this.retryable = data.retryable;
    this.attempts = data.attempts ?? 1;
  }

  toJSON(): OctopusApiErrorJson {
    const cause = this.cause instanceof Error ? this.cause : undefined;
    const causeCode = (cause as { code?: unknown } | undefined)?.code;
    return {
      name: this.name,
      code: this.code,
      reason: this.reason,
      message: this.message,
      method: this.method,
      route: this.route,
      server: this.server,
      status: this.status,
      errorMessage: this.errorMessage,
      errors: this.errors,
      retryable: this.retryable,
      attempts: this.attempts,
      cause: cause && {
        name: cause.name,
        message: cause.message,
        ...(typeof causeCode === 'string' ? { code: causeCode } : {}),
      },
    };
  }
}

export function isOctopusApiError(error: unknown): error is OctopusApiError {
  return error instanceof OctopusApiError;
}

type MessageFields = Pick<OctopusApiErrorData, 'method' | 'route' | 'server' | 'status' | 'detail' | 'note' | 'errorMessage'> & {
  errors: string[];
  attempts: number;
};

function formatMessage(data: MessageFields): string {
  const prefix = data.status === undefined ? `${data.method} ${data.route} failed` : `${data.method} ${data.route} failed with ${data.status}`;
  const body = data.detail ?? describeStatus(data);
  const note = data.note === undefined ? '' : `; ${data.note}`;
  const attempts = data.attempts > 1 ? ` (after ${data.attempts} attempts)` : '';
  return `${prefix}: ${body}${note}${attempts}`;
}

function describeStatus(data: MessageFields): string {
  const said = serverSaid(data.errorMessage, data.errors);
  if (data.status === 401) {
    // Never print the key; say which server rejected it so the user knows which key to check.
    const hint = `the API key was rejected by ${data.server}; check that it is set, correct and not revoked (X-Octopus-ApiKey)`;
    return said ? `${hint}. The server said: ${said}` : hint;
  }
  if (data.status === 403) {
    const hint = "the API key's user lacks the permission this needs";
    return said ? `${hint}. The server said: ${said}` : hint;
  }
  return said || 'the server gave no reason';
}

/** `ErrorMessage (Errors[0]; Errors[1])`, leaving out details that only repeat the message. */
function serverSaid(errorMessage: string | undefined, errors: string[]): string {
  const details = errors.filter((line) => line.trim() !== '' && line !== errorMessage);
  const head = errorMessage ?? '';
  if (details.length === 0) return head;
  return head === '' ? details.join('; ') : `${head} (${details.join('; ')})`;
}

/**
 * A copy of the cause with its message and stack redacted. Undici errors can quote a URL (with an
 * `apikey` query parameter if a caller put one there), so the original is not kept.
 */
function redactCause(cause: unknown, secrets: readonly string[]): Error {
  if (!(cause instanceof Error)) return new Error(redactSecrets(String(cause), secrets));
  const copy = new Error(redactSecrets(cause.message, secrets));
  copy.name = cause.name;
  copy.stack = cause.stack === undefined ? undefined : redactSecrets(cause.stack, secrets);
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}

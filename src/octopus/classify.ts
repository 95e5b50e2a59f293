// The one place that decides what a failure means: whether it is transient (worth trying again
// later) and whether this client may repeat the request by itself.
//
// Policy (see README.md in this folder):
// - 4xx other than 429 are the caller's fault (validation, auth, not found): never retried.
// - 429 and 503 say the server refused the request before doing anything (rate limiter, maintenance
//   mode, a proxy with no healthy backend), so repeating is safe for every method, POST included.
// - 500, 502 and 504 are transient often enough (SQL deadlocks and timeouts surface as 500;
//   502/504 come from proxies) to retry, but they do not prove the request was not applied: a
//   504 means the proxy gave up waiting while Octopus may have finished the work. So they are
//   retried only for idempotent requests. 500 is retried because Octopus reports database
//   deadlocks and timeouts that way; a deterministic 500 costs `maxAttempts` requests, no more.
//   Other 5xx (501 Not Implemented, 505, ...) are permanent.
// - A connection that dropped after the request was sent (reset, "other side closed", a timeout
//   waiting for the answer) may have been applied: retried only for idempotent requests.
// - A connection that never opened (refused, unknown host, unreachable, TLS failure) is not
//   retried at all, so an unreachable server fails fast with a clear message. A restart window
//   is better handled by the caller's own schedule (the watch loop) than by stalling here.

export type FailureKind = 'status' | 'network' | 'timeout';

export interface FailureClass {
  /** A later attempt could succeed. Reported on the error as `retryable`. */
  transient: boolean;
  /** The failure proves the server did not act on the request, so even a POST may be repeated. */
  notApplied: boolean;
  /** The client tries again within the same call (subject to `mayRepeat`). */
  retryInCall: boolean;
}

export function classifyStatus(status: number): FailureClass {
  if (status === 429 || status === 503) return { transient: true, notApplied: true, retryInCall: true };
  if (status === 500 || status === 502 || status === 504) return { transient: true, notApplied: false, retryInCall: true };
  return { transient: false, notApplied: false, retryInCall: false };
}

/** Codes of a connection that never reached the server, but might later (nothing was applied). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Codes of a connection that will not work until someone changes the configuration. */
const MISCONFIGURED_CODES = new Set([
  'ENOTFOUND',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Codes of a connection that broke while the request or its answer was in flight. */
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export interface NetworkFailure extends FailureClass {
  kind: Exclude<FailureKind, 'status'>;
  /** The system or undici error code, when there is one. */
  code: string | undefined;
  /** Plain words for the message, e.g. "connection refused". */
  description: string;
}

export function classifyNetworkError(error: unknown): NetworkFailure {
  const code = errorCode(error);
  const description = describeCode(code, error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return { kind: 'timeout', code, description, transient: true, notApplied: false, retryInCall: true };
  }
  // Never retried within the call, so an unreachable server fails fast (see above).
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return { kind: 'network', code, description, transient: true, notApplied: true, retryInCall: false };
  }
  if (code !== undefined && MISCONFIGURED_CODES.has(code)) {
    return { kind: 'network', code, description, transient: false, notApplied: true, retryInCall: false };
  }
  const dropped = code !== undefined && DROPPED_CODES.has(code);
  // "socket hang up" comes from node:http rather than undici; treat it like a drop too.
  const hangUp = error instanceof Error && /socket hang up|other side closed/i.test(error.message);
  return { kind: 'network', code, description, transient: dropped || hangUp, notApplied: false, retryInCall: dropped || hangUp };
}

/** Whether the client may send the same request again after this failure. */
export function mayRepeat(failure: FailureClass, idempotent: boolean): boolean {
  return failure.retryInCall && (idempotent || failure.notApplied);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Happy-eyeballs connects (autoSelectFamily) fail with an AggregateError of per-address errors.
  if (error instanceof AggregateError) return error.errors.map(errorCode).find((c) => c !== undefined);
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : errorCode(cause);
}

const DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  ENETDOWN: 'network is down',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed while sending',
  ECONNABORTED: 'connection aborted',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the server before it answered',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for the response',
  UND_ERR_BODY_TIMEOUT: 'timed out reading the response',
  CERT_HAS_EXPIRED: 'the TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the TLS certificate could not be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the TLS certificate does not match the host name',
};

function describeCode(code: string | undefined, error: unknown): string {
  if (code !== undefined && DESCRIPTIONS[code] !== undefined) return DESCRIPTIONS[code];
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${message} (${code})`;
}

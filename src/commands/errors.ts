// The one error type commands throw for expected failures: a literal code, structured data,
// and a message a user can act on. main.ts maps it to exit code 1.

export type OctosyncErrorCode =
  | 'snapshot-invalid'
  | 'snapshot-large-removal'
  | 'no-space'
  | 'missing-api-key'
  | 'config-invalid'
  | 'repo-invalid'
  | 'validation-failed'
  | 'plan-stale'
  | 'plan-invalid'
  | 'missing-secrets'
  | 'apply-failed'
  | 'daemon-refused'
  | 'not-approved';

export class OctosyncError extends Error {
  constructor(
    readonly code: OctosyncErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OctosyncError';
  }

  toJSON(): { code: OctosyncErrorCode; message: string; data: Record<string, unknown> } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

// The Octopus error envelope: `{ ErrorMessage, Errors[] }` with the status code the server uses.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessage: string,
    readonly errors: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(errorMessage);
    this.name = 'HttpError';
  }

  toBody(): { ErrorMessage: string; Errors: string[] } {
    return { ErrorMessage: this.errorMessage, Errors: this.errors };
  }
}

export function notFound(id: string): HttpError {
  return new HttpError(404, `The resource '${id}' was not found.`);
}

/** A 400 as Octopus answers a failed validation: a summary plus one line per problem. */
export function validationFailed(errors: string[]): HttpError {
  return new HttpError(400, 'There was a problem with your request.', errors);
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, message, [message]);
}

// Defaults of the REST client that the command line shows in its help, in a module of their own so
// that building the command tree does not load the client (and undici) for every command.

/** Requests in flight to one server at most, unless told otherwise. */
export const DEFAULT_MAX_CONCURRENCY = 8;

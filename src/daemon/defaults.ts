// Defaults of the daemon that the command line shows in its help, in a module of their own so
// that building the command tree does not load the daemon for every command.

/** Destinations planned or applied at once by default: enough to overlap their requests, few enough to bound memory. */
export const DEFAULT_PARALLEL_DESTINATIONS = 4;

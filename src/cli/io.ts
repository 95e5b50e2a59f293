// What commands may use of the process: output streams and the stop signal.
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Resolves on SIGINT or SIGTERM. */
  untilStopped: () => Promise<void>;
}

export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}

// What commands may use of the process: output streams, the environment and the stop signal.
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** A transient status line (progress), shown only on a terminal; '' clears it. */
  status: (line: string) => void;
  isTerminal: boolean;
  env: NodeJS.ProcessEnv;
  /** Resolves on SIGINT or SIGTERM. */
  untilStopped: () => Promise<void>;
}

export function processIo(): CliIo {
  const isTerminal = Boolean(process.stderr.isTTY);
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    status: (line) => {
      if (isTerminal) process.stderr.write(`\r\x1b[2K${line}`);
    },
    isTerminal,
    env: process.env,
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}

// What commands may use of the process: output streams, the environment and the stop signal.
import { createInterface } from 'node:readline/promises';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** A transient status line (progress), shown only on a terminal; '' clears it. */
  status: (line: string) => void;
  isTerminal: boolean;
  /** Output may be coloured: stdout is a terminal and NO_COLOR is not set. */
  color?: boolean;
  /** Asks on the terminal and resolves with the answer; absent when stdin and stdout are not both terminals. */
  ask?: (question: string) => Promise<string>;
  env: NodeJS.ProcessEnv;
  /** Resolves on SIGINT or SIGTERM. */
  untilStopped: () => Promise<void>;
}

async function ask(question: string): Promise<string> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await prompt.question(question);
  } finally {
    prompt.close();
  }
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
    // https://no-color.org: set and not empty.
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    ...(process.stdin.isTTY && process.stdout.isTTY ? { ask } : {}),
    env: process.env,
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}

// Logs: pino JSON (one object per line), readable in a terminal through pino-pretty. API keys and
// secrets are redacted by path, and messages are scrubbed of anything that looks like an API key.
import { pino } from 'pino';
import type { Logger } from 'pino';
import { redactSecrets } from '../octopus/index.js';

export type { Logger };

/** Paths pino censors wherever they appear. */
const REDACTED_PATHS = ['apiKey', '*.apiKey', 'headers["x-octopus-apikey"]', '*.headers["x-octopus-apikey"]', 'NewValue', '*.NewValue', 'secret', '*.secret'];

export interface LoggerOptions {
  level?: string;
  /** Human-readable lines on a terminal instead of JSON. */
  pretty?: boolean;
  /** Where lines go (default stdout); tests pass a stream. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const base = {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    hooks: {
      // A message may quote a server's answer; keys in it are replaced before the line is written.
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...a: unknown[]) => void) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg)));
      },
    },
  };
  if (options.pretty) return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } });
  return options.destination ? pino(base, options.destination as pino.DestinationStream) : pino(base);
}

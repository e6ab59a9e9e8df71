/**
 * Structured logs (pino): JSON lines, or human-readable on a terminal. Secrets are redacted
 * twice: by field name (pino's `redact`), and every known secret value in the finished line
 * (`common/redact.ts`), whichever field or message carries it.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { redact } from '../common/redact.js';
import type { OutStream } from './io.js';

export function createLogger(
  out: OutStream,
  format: 'json' | 'pretty' | undefined,
  level: string,
): Logger {
  const usePretty = format === 'pretty' || (format === undefined && out.isTTY === true);
  const options = {
    level,
    base: { app: 'virtwarden' },
    redact: {
      paths: ['*.password', '*.passwordFrom', '*.token', 'password', 'token'],
      censor: '[secret]',
    },
  };
  const stream = { write: (s: string) => out.write(redact(s)) };
  return usePretty
    ? pino(
        options,
        pretty({
          colorize: out.isTTY === true,
          // pino-pretty pipes into its destination: it needs a real stream (with `on`).
          destination: new Writable({
            write(chunk: Buffer | string, _enc, done) {
              out.write(redact(chunk.toString()));
              done();
            },
          }),
          sync: true,
          translateTime: 'HH:MM:ss.l',
          ignore: 'app,pid,hostname',
        }),
      )
    : pino(options, stream);
}

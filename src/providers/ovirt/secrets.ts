/**
 * Secrets come only from where `passwordFrom` points (an environment variable or a file) and
 * go only into the HTTP request that needs them. Errors name where the secret was expected,
 * never its value. Every value read is registered with the redactor (`common/redact.ts`), so
 * it is taken out of all output whatever text carries it later (an engine echoing it back).
 */
import { readFileSync } from 'node:fs';
import type { SecretRef } from '../../model/desired.js';
import { TerminalError } from '../../common/errors.js';
import { registerSecret } from '../../common/redact.js';

export function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv, what: string): string {
  if ('env' in ref) {
    const v = env[ref.env];
    if (v === undefined || v === '') {
      throw new TerminalError(
        'secret-missing',
        `${what}: environment variable ${ref.env} is not set`,
      );
    }
    registerSecret(v);
    return v;
  }
  try {
    const v = readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
    if (v === '') throw new TerminalError('secret-missing', `${what}: ${ref.file} is empty`);
    registerSecret(v);
    return v;
  } catch (err) {
    if (err instanceof TerminalError) throw err;
    throw new TerminalError(
      'secret-missing',
      `${what}: cannot read ${ref.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/**
 * Every secret value this process has read (an engine password from `passwordFrom`, a token
 * file), and the function that takes them out of any text before it leaves the process.
 *
 * One process-wide set, on purpose: secrets are learned deep down (a provider resolving its
 * password) while text leaves at a few edges (the CLI's stdout and stderr, the logger, the
 * journal and state files, the ops endpoint), and the text that carries a secret may come from
 * anywhere — an engine or proxy that echoes the login form back into an error message is the
 * case that made this necessary. Redacting at the edges, whatever the source, is what makes
 * "no secret reaches any output" hold without trusting every producer of text.
 *
 * A secret is also looked for in the forms it takes on the way out: JSON-escaped (JSON output,
 * logs, the journal) and URL- or form-encoded (an echoed request body, a URL in an error).
 */

/** The text that replaces a secret. */
export const REDACTED = '***';

/**
 * Shorter values are not redacted: they would match ordinary text everywhere and make all
 * output unreadable, while hiding nothing (a 3-character password is guessed, not leaked).
 */
export const MIN_SECRET_LENGTH = 4;

function forms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const url = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  return [secret, json, url, form, json.replace(/\//g, '\\/')];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class SecretRedactor {
  readonly #forms = new Set<string>();
  #pattern: RegExp | undefined;

  /** Remember a secret value (idempotent); too short values are ignored (see above). */
  add(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH) return;
    let grew = false;
    for (const f of forms(secret)) {
      if (f.length >= MIN_SECRET_LENGTH && !this.#forms.has(f)) {
        this.#forms.add(f);
        grew = true;
      }
    }
    // Longest first, so a secret that contains another is replaced whole.
    if (grew) {
      const all = [...this.#forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.#pattern = new RegExp(all.join('|'), 'g');
    }
  }

  get size(): number {
    return this.#forms.size;
  }

  /** `text` with every known secret replaced by `***`. */
  redact(text: string): string {
    const pattern = this.#pattern;
    if (pattern === undefined || text.length < MIN_SECRET_LENGTH) return text;
    return text.replace(pattern, REDACTED);
  }

  /** Every string inside JSON-like data redacted (keys too); other values kept. */
  redactValue<T>(value: T): T {
    if (this.#pattern === undefined) return value;
    return this.#walk(value, new WeakMap()) as T;
  }

  #walk(value: unknown, seen: WeakMap<object, unknown>): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (typeof value !== 'object' || value === null) return value;
    const done = seen.get(value);
    if (done !== undefined) return done;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (const item of value) out.push(this.#walk(item, seen));
      return out;
    }
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>();
      seen.set(value, out);
      for (const [k, v] of value) out.set(this.#walk(k, seen), this.#walk(v, seen));
      return out;
    }
    if (value instanceof Date) return value;
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [k, v] of Object.entries(value)) out[this.redact(k)] = this.#walk(v, seen);
    return out;
  }
}

/** The process's secrets. */
export const secrets = new SecretRedactor();

/** Remember a secret value of this process: from now on it is redacted from all output. */
export function registerSecret(value: string): void {
  secrets.add(value);
}

/** `text` with every secret of this process replaced by `***`. */
export function redact(text: string): string {
  return secrets.redact(text);
}

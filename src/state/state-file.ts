/**
 * One JSON file of the state directory (fencing.json, drains.json, hosts.json, volumes.json):
 * read tolerantly, updated under its lock, written atomically.
 *
 * A file that cannot be parsed, or parses into the wrong shape (a hand edit gone wrong, a disk
 * error, a half-written file left by an older virtwarden that did not fsync), never crashes a
 * reader: the problem is reported once (naming the file and what each reader does instead) and
 * the file reads as empty — for fencing that means no confirmations, the safe direction. The
 * next update sets the bad file aside as `NAME.corrupt-TIME` (for inspection) and writes a
 * good one. A read that fails because the process is out of descriptors is not a bad file: it
 * throws (`OutOfDescriptorsError`), and an update writes nothing.
 */
import { readFileSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { TerminalError, TransientError } from '../common/errors.js';
import { redact } from '../common/redact.js';
import { writeFileAtomic } from './atomic-file.js';
import { withFileLock } from './file-mutex.js';

export class StateFileError extends TerminalError {
  readonly file: string;
  constructor(file: string, message: string) {
    super('state-corrupt', message);
    this.name = 'StateFileError';
    this.file = file;
  }
}

/** A state file that could not be read, and what is done instead. */
export interface StateProblem {
  readonly file: string;
  readonly message: string;
}

export type ProblemReporter = (problem: StateProblem) => void;

/** Thrown by a `parse` function for a document of the wrong shape. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}

export type Read<T> =
  | { readonly kind: 'missing' }
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'bad'; readonly why: string; readonly unparsable: boolean };

/**
 * The process (or the system) is out of file descriptors: the read failed, but that says
 * nothing about the file. Reading it as empty would be wrong in the dangerous direction (no
 * drained hosts, no history so a FAULTED guest is started, an update that overwrites every
 * record), so it is thrown: callers keep what they read before, and log the failure.
 */
export class OutOfDescriptorsError extends TransientError {
  constructor(file: string, code: string) {
    super(
      'out-of-descriptors',
      `cannot read ${file} (${code}): out of file descriptors; what was read before stands`,
    );
    this.name = 'OutOfDescriptorsError';
  }
}

function unreadable(err: unknown, file: string): Read<never> {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { kind: 'missing' };
  if (code === 'EMFILE' || code === 'ENFILE') throw new OutOfDescriptorsError(file, code);
  return { kind: 'bad', why: `cannot read it (${code ?? 'error'})`, unparsable: false };
}

function parsed<T>(text: string, parse: (doc: unknown) => T): Read<T> {
  try {
    return { kind: 'ok', value: parse(JSON.parse(text)) };
  } catch (err) {
    const why = text.trim() === '' ? 'it is empty' : `not valid: ${(err as Error).message}`;
    return { kind: 'bad', why, unparsable: true };
  }
}

/**
 * Read and parse one file; never throws for a missing, unreadable or malformed file — except
 * when out of descriptors (`OutOfDescriptorsError`).
 */
export async function readJson<T>(file: string, parse: (doc: unknown) => T): Promise<Read<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return unreadable(err, file);
  }
  return parsed(text, parse);
}

/**
 * The same, synchronously: for reading thousands of small files at start-up, where a thread
 * pool round trip per file costs five times the read itself (callers yield between batches).
 */
export function readJsonSync<T>(file: string, parse: (doc: unknown) => T): Read<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return unreadable(err, file);
  }
  return parsed(text, parse);
}

export interface StateFileSpec<T> {
  readonly file: string;
  readonly lockFile: string;
  /** What a reader does with a bad file, e.g. "treated as no fencing confirmations". */
  readonly whenBad: string;
  readonly empty: () => T;
  readonly parse: (doc: unknown) => T;
  readonly serialize: (value: T) => unknown;
}

export class StateFile<T> {
  private readonly spec: StateFileSpec<T>;
  private readonly report: ProblemReporter;
  private lastProblem: string | undefined;

  constructor(spec: StateFileSpec<T>, report: ProblemReporter) {
    this.spec = spec;
    this.report = report;
  }

  get file(): string {
    return this.spec.file;
  }

  private problem(why: string): void {
    const message = `state file ${this.spec.file}: ${why}; ${this.spec.whenBad}`;
    // Once per distinct problem: a watch reads these files on every pass.
    if (message === this.lastProblem) return;
    this.lastProblem = message;
    this.report({ file: this.spec.file, message });
  }

  private async load(): Promise<Read<T>> {
    const r = await readJson(this.spec.file, this.spec.parse);
    if (r.kind === 'bad') this.problem(r.why);
    else this.lastProblem = undefined;
    return r;
  }

  async read(): Promise<T> {
    const r = await this.load();
    return r.kind === 'ok' ? r.value : this.spec.empty();
  }

  /**
   * Read-modify-write under the file's lock. `change` gets the current value (a copy it may
   * mutate) and returns the new value to write, or `undefined` to write nothing.
   */
  async update<R>(change: (current: T) => { readonly next?: T; readonly result: R }): Promise<R> {
    return withFileLock(this.spec.lockFile, async () => {
      const r = await this.load();
      const { next, result } = change(r.kind === 'ok' ? r.value : this.spec.empty());
      if (next === undefined) return result;
      if (r.kind === 'bad' && r.unparsable) {
        await rename(this.spec.file, `${this.spec.file}.corrupt-${Date.now()}`).catch(
          () => undefined,
        );
      }
      await writeFileAtomic(
        this.spec.file,
        redact(JSON.stringify(this.spec.serialize(next), null, 2)) + '\n',
      );
      return result;
    });
  }
}

// Shape checks for `parse` functions: small, explicit, and naming what is wrong.

export function object(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new ShapeError(`${what} must be an object`);
  return v as Record<string, unknown>;
}

export function array(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new ShapeError(`${what} must be a list`);
  return v;
}

export function string(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw new ShapeError(`${what} must be a text`);
  return v;
}

export function optionalString(v: unknown, what: string): string | undefined {
  return v === undefined ? undefined : string(v, what);
}

export function number(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ShapeError(`${what} must be a number`);
  return v;
}

export function optionalNumber(v: unknown, what: string): number | undefined {
  return v === undefined ? undefined : number(v, what);
}

/** A `{ "hosts": [ … ] }` document of records keyed by host. */
export function parseHostRecords<R extends { readonly host: string }>(
  doc: unknown,
  parseRecord: (v: unknown, what: string) => R,
): Map<string, R> {
  const hosts = array(object(doc, 'the document').hosts ?? [], '"hosts"');
  return new Map(
    hosts.map((v, i) => {
      const r = parseRecord(v, `hosts[${i}]`);
      return [r.host, r] as const;
    }),
  );
}

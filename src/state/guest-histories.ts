/**
 * Guest histories: one small file per guest, `guests/NAME.json`. A save rewrites only that
 * guest's file (O(1) whatever the fleet size: no big file rewritten per action, no log to
 * compact), a bad file loses only that guest's history, an operator reads or repairs one guest
 * with `cat`/`rm`, and the layout maps one-to-one onto a key-value store (one key per guest).
 *
 * `virtwarden clear` is recorded as a time (`clearedAt`) in the file, and every save drops the
 * failures dated at or before it: a `watch` saving a copy it held in memory since before the
 * clear cannot bring the FAULTED mark back. Saves and clears take one lock for all guests
 * (`locks/guests.lock`); each holds it for one small read and one atomic write.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { GuestHistory, MigrationFailure } from '../model/history.js';
import { TerminalError } from '../common/errors.js';
import { redact } from '../common/redact.js';
import type { HistoryClearResult } from './controller-state.js';
import { removeFileDurably, sweepTemporaries, writeFileAtomic } from './atomic-file.js';
import { withFileLock } from './file-mutex.js';
import { lockFileOf } from './records.js';
import {
  array,
  number,
  object,
  optionalNumber,
  optionalString,
  readJson,
  readJsonSync,
  string,
  type ProblemReporter,
  type Read,
} from './state-file.js';

// The manifest's name rule: no '/', never '.' or '..', so a name is always one plain file.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Files read between two turns of the event loop (about 5 ms). */
const READ_BATCH = 250;

interface Stored {
  readonly guest: string;
  readonly clearedAt?: number;
  readonly history: GuestHistory;
}

function parseHistory(v: unknown, what: string): GuestHistory {
  const o = object(v, what);
  const list = <T>(x: unknown, name: string, item: (e: Record<string, unknown>, w: string) => T) =>
    array(x ?? [], `${what}.${name}`).map((e, i) => item(object(e, `${what}.${name}[${i}]`), name));
  const restarts = list(o.restarts, 'restarts', (e, w) => ({
    host: string(e.host, `${w}.host`),
    at: number(e.at, `${w}.at`),
  }));
  const failovers = list(o.failovers, 'failovers', (e, w) => ({
    from: string(e.from, `${w}.from`),
    at: number(e.at, `${w}.at`),
  }));
  const lastHost = optionalString(o.lastHost, `${what}.lastHost`);
  const definedOn =
    o.definedOn === undefined
      ? undefined
      : array(o.definedOn, `${what}.definedOn`).map((h, i) => string(h, `definedOn[${i}]`));
  const faultedAt = optionalNumber(o.faultedAt, `${what}.faultedAt`);
  const faultReason = optionalString(o.faultReason, `${what}.faultReason`);
  if (o.rearmed !== undefined && typeof o.rearmed !== 'boolean')
    throw new Error(`${what}.rearmed must be true or false`);
  const rearmed = o.rearmed === true;
  const migrationFailures =
    o.migrationFailures === undefined
      ? undefined
      : list(o.migrationFailures, 'migrationFailures', (e, w): MigrationFailure => ({
          from: string(e.from, `${w}.from`),
          to: string(e.to, `${w}.to`),
          at: number(e.at, `${w}.at`),
          message: string(e.message, `${w}.message`),
        }));
  const healthSteps =
    o.healthSteps === undefined
      ? undefined
      : list(o.healthSteps, 'healthSteps', (e, w) => {
          const rung = string(e.rung, `${w}.rung`);
          if (rung !== 'reboot' && rung !== 'reset' && rung !== 'restart')
            throw new Error(`${w}.rung must be reboot, reset or restart`);
          return { rung, host: string(e.host, `${w}.host`), at: number(e.at, `${w}.at`) } as const;
        });
  return {
    restarts,
    failovers,
    ...(healthSteps !== undefined ? { healthSteps } : {}),
    ...(lastHost !== undefined ? { lastHost } : {}),
    ...(definedOn !== undefined ? { definedOn } : {}),
    ...(faultedAt !== undefined ? { faultedAt } : {}),
    ...(faultReason !== undefined ? { faultReason } : {}),
    ...(migrationFailures !== undefined ? { migrationFailures } : {}),
    ...(rearmed ? { rearmed } : {}),
  };
}

function parseStored(doc: unknown): Stored {
  const o = object(doc, 'the document');
  const clearedAt = optionalNumber(o.clearedAt, '"clearedAt"');
  return {
    guest: string(o.guest, '"guest"'),
    ...(clearedAt !== undefined ? { clearedAt } : {}),
    history: parseHistory(o.history ?? {}, '"history"'),
  };
}

/** The history without the failures an operator cleared at `clearedAt`. */
export function withoutClearedFailures(h: GuestHistory, clearedAt: number | undefined) {
  if (clearedAt === undefined) return h;
  const after = <T extends { readonly at: number }>(xs: readonly T[] | undefined) =>
    (xs ?? []).filter((x) => x.at > clearedAt);
  const { faultedAt, faultReason, migrationFailures, healthSteps, ...rest } = h;
  const failures = after(migrationFailures);
  const steps = after(healthSteps);
  const faulted = faultedAt !== undefined && faultedAt > clearedAt;
  return {
    ...rest,
    restarts: after(h.restarts),
    failovers: after(h.failovers),
    ...(faulted ? { faultedAt } : {}),
    ...(faulted && faultReason !== undefined ? { faultReason } : {}),
    ...(failures.length > 0 ? { migrationFailures: failures } : {}),
    ...(steps.length > 0 ? { healthSteps: steps } : {}),
  } satisfies GuestHistory;
}

export class GuestHistories {
  readonly folder: string;
  private readonly stateDir: string;
  private readonly lockFile: string;
  private readonly report: ProblemReporter;
  private swept = false;

  constructor(stateDir: string, report: ProblemReporter) {
    this.stateDir = stateDir;
    this.folder = path.join(stateDir, 'guests');
    this.lockFile = lockFileOf(stateDir, 'guests');
    this.report = report;
  }

  private file(guest: string): string {
    if (!NAME.test(guest))
      throw new TerminalError('bad-guest-name', `'${guest}' is not a guest name`);
    return path.join(this.folder, `${guest}.json`);
  }

  private loaded(guest: string, file: string, r: Read<Stored>): Stored | undefined {
    if (r.kind === 'missing') return undefined;
    if (r.kind === 'bad') {
      this.report({
        file,
        message: `state file ${file}: ${r.why}; treated as no history for guest ${guest} (fix or remove it by hand)`,
      });
      return undefined;
    }
    return r.value;
  }

  private async load(guest: string, file = this.file(guest)): Promise<Stored | undefined> {
    return this.loaded(guest, file, await readJson(file, parseStored));
  }

  async get(guest: string): Promise<GuestHistory | undefined> {
    const s = await this.load(guest);
    return s && withoutClearedFailures(s.history, s.clearedAt);
  }

  async all(): Promise<Map<string, GuestHistory>> {
    if (!this.swept) {
      this.swept = true;
      await sweepTemporaries(this.folder);
      await sweepTemporaries(this.stateDir);
    }
    let names: string[];
    try {
      names = (await readdir(this.folder)).filter((n) => n.endsWith('.json'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    const out = new Map<string, GuestHistory>();
    for (let i = 0; i < names.length; i += READ_BATCH) {
      for (const name of names.slice(i, i + READ_BATCH)) {
        const guest = name.slice(0, -'.json'.length);
        if (!NAME.test(guest)) continue;
        const file = path.join(this.folder, name);
        const s = this.loaded(guest, file, readJsonSync(file, parseStored));
        if (s) out.set(guest, withoutClearedFailures(s.history, s.clearedAt));
      }
      // Let timers and I/O run between batches: a watch starting up stays responsive.
      await new Promise((r) => setImmediate(r));
    }
    return out;
  }

  private async write(guest: string, stored: Stored): Promise<void> {
    await writeFileAtomic(this.file(guest), redact(JSON.stringify(stored)) + '\n');
  }

  async save(guest: string, history: GuestHistory | undefined) {
    const file = this.file(guest);
    return withFileLock(this.lockFile, async () => {
      if (history === undefined) {
        await removeFileDurably(file);
        return undefined;
      }
      const clearedAt = (await this.load(guest, file))?.clearedAt;
      const kept = withoutClearedFailures(history, clearedAt);
      await this.write(guest, {
        guest,
        ...(clearedAt !== undefined ? { clearedAt } : {}),
        history: kept,
      });
      return kept;
    });
  }

  async clear(guest: string, at: number): Promise<HistoryClearResult> {
    const file = this.file(guest);
    return withFileLock(this.lockFile, async () => {
      const cur = await this.load(guest, file);
      const before = cur && withoutClearedFailures(cur.history, cur.clearedAt);
      const clearedAt = Math.max(at, cur?.clearedAt ?? at);
      const after = {
        ...withoutClearedFailures(before ?? { restarts: [], failovers: [] }, clearedAt),
        rearmed: true,
      };
      await this.write(guest, { guest, clearedAt, history: after });
      return { ...(before !== undefined ? { before } : {}), after };
    });
  }
}

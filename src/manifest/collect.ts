/**
 * Every parsed document through envelope, duplicate-name check, schema validation and
 * normalization, gathered into `Collected` for the cross-object checks. A document with
 * schema errors is reported and left out; its name still counts as declared.
 */
import type { Diagnostic, SourceSpan } from '../model/diagnostic.js';
import { scanCommandPasswords } from './checks/commands.js';
import { checkSitePaths } from './checks/paths.js';
import type { Collected } from './collected.js';
import { diag, quote } from './diagnostics.js';
import { readEnvelope } from './envelope.js';
import type { ReadReferencedFile } from './normalize/context.js';
import { normalizeDr, normalizeService } from './normalize/dr.js';
import { normalizeGuest, type DefinitionCache } from './normalize/guest.js';
import { normalizeSite } from './normalize/site.js';
import { normalizeStorage } from './normalize/storage.js';
import type { YamlDocument } from './parse-yaml.js';
import type { PathPolicy } from './root.js';
import type { Kind } from './schema/common.js';
import { validateDocument } from './validate-schema.js';
import type {
  WrittenDisasterRecovery,
  WrittenGuest,
  WrittenService,
  WrittenSite,
  WrittenStorageMapping,
} from './written.js';

export interface ParsedFileInput {
  readonly file: string;
  readonly documents: readonly YamlDocument[];
  /** False when part of the file could not be read into documents. */
  readonly complete: boolean;
  /** The text has something that may be a password argument (see `mayHoldCommandPassword`). */
  readonly mayHoldPasswords?: boolean;
}

export function collect(
  files: readonly ParsedFileInput[],
  readFile: ReadReferencedFile,
  pathPolicy?: PathPolicy,
): { collected: Collected; objects: number; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let objects = 0;
  const declared = new Map<Kind, Map<string, SourceSpan>>();
  const collected = {
    sites: [],
    guests: [],
    storage: [],
    disasterRecovery: [],
    services: [],
    declared,
    complete: files.every((f) => f.complete),
  } as {
    -readonly [K in keyof Collected]: Collected[K];
  };
  const definitions: DefinitionCache = new Map();

  for (const { file, documents, mayHoldPasswords } of files) {
    for (const doc of documents) {
      if (mayHoldPasswords !== false) {
        diagnostics.push(...scanCommandPasswords(doc.value, doc.locator));
      }
      const envelope = readEnvelope(doc.value, doc.locator, diagnostics);
      if (envelope.kind === undefined) {
        collected.complete = false;
        continue;
      }
      const kind = envelope.kind;
      objects++;
      let duplicate = false;
      if (envelope.name !== undefined) {
        const names = declared.get(kind) ?? new Map<string, SourceSpan>();
        declared.set(kind, names);
        const first = names.get(envelope.name);
        const here = doc.locator.span(['metadata', 'name']);
        if (first !== undefined) {
          duplicate = true;
          diagnostics.push(
            diag('duplicateName', `${kind} ${quote(envelope.name)} is defined twice`, here, {
              hint: `names are unique per kind; rename or remove one`,
              related: [{ message: 'first defined here', at: first }],
            }),
          );
        } else {
          names.set(envelope.name, here);
        }
      }
      const problems = validateDocument(kind, doc.value, doc.locator);
      diagnostics.push(...problems);
      if (problems.length > 0 || duplicate) continue;

      const ctx = { file, locator: doc.locator, readFile, pathPolicy };
      const locator = doc.locator;
      switch (kind) {
        case 'Site': {
          const w = doc.value as WrittenSite;
          diagnostics.push(...checkSitePaths(w, file, doc.locator, pathPolicy));
          collected.sites.push({ value: normalizeSite(w, ctx), written: w.spec, locator });
          break;
        }
        case 'Guest': {
          const w = doc.value as WrittenGuest;
          const { guest, definition } = normalizeGuest(w, ctx, definitions);
          collected.guests.push({
            value: guest,
            written: w.spec,
            locator,
            ...(definition === undefined ? {} : { definition }),
          });
          break;
        }
        case 'StorageMapping': {
          const w = doc.value as WrittenStorageMapping;
          collected.storage.push({ value: normalizeStorage(w, ctx), written: w.spec, locator });
          break;
        }
        case 'DisasterRecovery': {
          const w = doc.value as WrittenDisasterRecovery;
          collected.disasterRecovery.push({ value: normalizeDr(w, ctx), written: w.spec, locator });
          break;
        }
        case 'Service': {
          const w = doc.value as WrittenService;
          collected.services.push({ value: normalizeService(w, ctx), written: w.spec, locator });
          break;
        }
      }
    }
  }
  return { collected, objects, diagnostics };
}

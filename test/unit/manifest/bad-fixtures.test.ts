/**
 * The corpus of bad manifests: every directory under test/fixtures/manifests/bad holds a small
 * manifest set and an `expect.json` listing the diagnostics it must produce (code, and where
 * given, file and line). Each expected diagnostic must be reported, and no other error may be.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifests } from '../../../src/manifest/index.js';
import type { Diagnostic } from '../../../src/model/diagnostic.js';

const BAD = fileURLToPath(new URL('../../fixtures/manifests/bad/', import.meta.url));

interface Expected {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;
}

const cases = readdirSync(BAD, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

function matches(d: Diagnostic, e: Expected, dir: string): boolean {
  if (d.code !== e.code) return false;
  if (e.file !== undefined && (d.at === undefined || path.relative(dir, d.at.file) !== e.file)) {
    return false;
  }
  return e.line === undefined || d.at?.line === e.line;
}

function show(d: Diagnostic, dir: string): string {
  const where = d.at === undefined ? '' : `${path.relative(dir, d.at.file)}:${d.at.line}: `;
  return `${where}${d.severity}[${d.code}] ${d.message}`;
}

describe('bad manifest corpus', () => {
  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases)('%s', async (name) => {
    const dir = path.join(BAD, name);
    const expected = JSON.parse(readFileSync(path.join(dir, 'expect.json'), 'utf8')) as Expected[];
    const result = await loadManifests(dir);
    const shown = result.diagnostics.map((d) => show(d, dir));

    for (const e of expected) {
      const found = result.diagnostics.some((d) => matches(d, e, dir));
      if (!found) {
        throw new Error(
          `expected ${e.code} at ${e.file ?? '?'}:${e.line ?? '?'}; got:\n  ${shown.join('\n  ')}`,
        );
      }
    }
    const unexpected = result.diagnostics.filter(
      (d) => d.severity === 'error' && !expected.some((e) => matches(d, e, dir)),
    );
    expect(unexpected.map((d) => show(d, dir))).toEqual([]);
    for (const d of result.diagnostics) {
      expect(d.code).toMatch(/^VW\d{3}$/);
      expect(d.message.length).toBeGreaterThan(0);
    }
    const errors = result.diagnostics.some((d) => d.severity === 'error');
    expect(result.desired === undefined).toBe(errors);
  });
});

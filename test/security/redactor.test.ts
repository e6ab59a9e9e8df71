/**
 * Security corpus: the redactor and the sinks it guards. Once a secret is known (read by
 * `passwordFrom`), it is taken out of every text that leaves the process, in every form it
 * takes on the way (JSON-escaped, URL- and form-encoded): the logger's lines whatever field
 * carries it, the journal, and JSON data served or written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/cli/logger.js';
import { redact, SecretRedactor, secrets } from '../../src/common/redact.js';
import { resolveSecret } from '../../src/providers/ovirt/secrets.js';
import { Journal } from '../../src/state/journal.js';

const SECRET = 'r3d/act+me "now"&é';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-sec-redact-'));
  // As the oVirt provider does: the secret is registered when it is read.
  expect(resolveSecret({ env: 'VW_REDACT_PW' }, { VW_REDACT_PW: SECRET }, 'test')).toBe(SECRET);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('redact', () => {
  it.each([
    ['as written', SECRET],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(SECRET)],
    ['form-encoded', new URLSearchParams({ p: SECRET }).toString().slice(2)],
  ])('replaces the secret %s', (_how, form) => {
    expect(redact(`before ${form} after`)).toBe('before *** after');
  });

  it('redacts strings inside data, keys included, and leaves other values', () => {
    const data = {
      reason: `login failed: password=${SECRET}`,
      n: 3,
      list: [SECRET],
      [SECRET]: true,
    };
    expect(secrets.redactValue(data)).toEqual({
      reason: 'login failed: password=***',
      n: 3,
      list: ['***'],
      '***': true,
    });
  });

  it('ignores values too short to tell from ordinary text', () => {
    const r = new SecretRedactor();
    r.add('abc');
    expect(r.redact('abc abc')).toBe('abc abc');
    r.add('abcd');
    expect(r.redact('abcd abcde')).toBe('*** ***e');
  });
});

describe('sinks', () => {
  it('the logger redacts the secret in the message and in any field', () => {
    let text = '';
    const log = createLogger({ write: (s: string) => (text += s) }, 'json', 'info');
    log.error(
      { err: `engine said ${SECRET}`, detail: { body: encodeURIComponent(SECRET) } },
      `x ${SECRET}`,
    );
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(JSON.stringify(SECRET).slice(1, -1));
    expect(text).not.toContain(encodeURIComponent(SECRET));
    expect(JSON.parse(text)).toMatchObject({
      msg: 'x ***',
      err: 'engine said ***',
      detail: { body: '***' },
    });
  });

  it('the journal never writes the secret', async () => {
    const journal = new Journal(dir, 'run-1');
    journal.fenceAttempt('h1', 1, 'failed', `fence agent printed ${SECRET}`);
    await journal.flush();
    const written = await readFile(path.join(dir, 'journal.jsonl'), 'utf8');
    expect(written).toContain('fence agent printed ***');
    expect(written).not.toContain(JSON.stringify(SECRET).slice(1, -1));
  });
});

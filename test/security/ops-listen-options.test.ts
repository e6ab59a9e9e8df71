/**
 * Where the ops endpoint listens: 127.0.0.1:9474 by default, what counts as loopback, a token
 * file is honoured on loopback too; the shipped systemd unit gives `watch` a descriptor budget
 * far above what the endpoint can take (64 connections), and listens on loopback only.
 */
import { expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isLoopback, listenOptions } from '../../src/cli/listen-options.js';

const UNIT = new URL('../../examples/systemd/virtwarden-watch.service', import.meta.url);

it('sets LimitNOFILE=65536 and listens on loopback', async () => {
  const lines = (await readFile(UNIT, 'utf8')).split('\n').filter((l) => !l.startsWith('#'));
  expect(lines).toContain('LimitNOFILE=65536');
  const exec = lines.find((l) => l.startsWith('ExecStart='));
  const listen = /--listen (\S+):\d+/.exec(exec ?? '')?.[1];
  expect(listen).toBe('127.0.0.1');
  expect(isLoopback(listen ?? '')).toBe(true);
});

it('knows loopback addresses from the rest', () => {
  for (const h of [
    '127.0.0.1',
    '127.8.9.1',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    'localhost',
  ])
    expect([h, isLoopback(h)]).toEqual([h, true]);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', 'mgmt.example.com', '128.0.0.1'])
    expect([h, isLoopback(h)]).toEqual([h, false]);
});

it('listens on 127.0.0.1:9474 with at most 64 connections unless told otherwise', () => {
  expect(listenOptions({}, '/')).toEqual({ host: '127.0.0.1', port: 9474, maxConnections: 64 });
  expect(listenOptions({ listen: '[::1]:0', 'listen-max-connections': '8' }, '/')).toEqual({
    host: '::1',
    port: 0,
    maxConnections: 8,
  });
});

it('asks for the token on loopback too when a token file is given', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'vw-token-'));
  try {
    await writeFile(path.join(dir, 'token'), 'abcdefghijklmnopqrstuvwxyz\n', { mode: 0o600 });
    expect(listenOptions({ 'listen-token-file': 'token' }, dir).token).toBe(
      'abcdefghijklmnopqrstuvwxyz',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

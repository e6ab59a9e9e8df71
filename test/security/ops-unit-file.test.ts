/**
 * The shipped systemd unit gives `watch` a descriptor budget far above what the ops endpoint
 * can take (64 connections), and listens on loopback only.
 */
import { expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { isLoopback } from '../../src/cli/listen-options.js';

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

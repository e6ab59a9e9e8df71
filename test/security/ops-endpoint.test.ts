/**
 * The ops endpoint as an attacker on the network meets it. `watch` runs as a real child on
 * the quickstart manifests (embedded test-driver hosts): a non-loopback --listen is a usage
 * error without --listen-remote and a token file; with them, a request without the token (or
 * with a wrong one) is refused 401 and the token never appears in any output; header floods
 * get 431, bodies 413, writes 405; a connection that never finishes its headers is closed
 * after the 5 s header timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_USAGE, runCli } from '../../src/cli/main.js';
import { captureIo } from '../helpers/cli-io.js';
import { WatchProcess } from '../helpers/watch-process.js';
import { headerFlood } from './ops-flood.js';

const QUICKSTART = fileURLToPath(new URL('../../manifests', import.meta.url));
const TOKEN = 'c0ffee-0123456789abcdef-not-a-real-secret';

let dir: string;
let tokenFile: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-ops-'));
  tokenFile = path.join(dir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function watchCli(...args: string[]): Promise<{ code: number; err: string }> {
  const io = captureIo({ env: { VIRTWARDEN_STATE_DIR: path.join(dir, 'state') } });
  const code = await runCli(['watch', QUICKSTART, ...args], io);
  return { code, err: io.err() + io.out() };
}

/** An address of this machine other than loopback (the endpoint listens on 0.0.0.0). */
function externalAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1'; // no network interface: 0.0.0.0 answers on loopback too
}

describe('a non-loopback --listen', () => {
  it('without --listen-remote and a token file is a usage error (exit 64)', async () => {
    for (const listen of ['0.0.0.0:0', '[::]:0', '10.1.2.3:9474']) {
      const r = await watchCli('--listen', listen);
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.err).toContain(`--listen ${listen} is not a loopback address`);
      expect(r.err).toContain('--listen-remote and --listen-token-file FILE');
    }
    const r = await watchCli('--listen', '0.0.0.0:0', '--listen-remote');
    expect(r.code).toBe(EXIT_USAGE);
  });

  it('refuses a token file others can read, and never prints the token', async () => {
    const loose = path.join(dir, 'loose-token');
    await writeFile(loose, TOKEN);
    await chmod(loose, 0o644);
    const r = await watchCli(
      '--listen',
      '0.0.0.0:0',
      '--listen-remote',
      '--listen-token-file',
      loose,
    );
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toContain('readable or writable by group or others (mode 644); chmod 600 it');
    expect(r.err).not.toContain(TOKEN);
    const short = path.join(dir, 'short-token');
    await writeFile(short, 'hunter2', { mode: 0o600 });
    const s = await watchCli(
      '--listen',
      '0.0.0.0:0',
      '--listen-remote',
      '--listen-token-file',
      short,
    );
    expect(s.code).toBe(EXIT_USAGE);
    expect(s.err).toContain('at least 16 characters');
    expect(s.err).not.toContain('hunter2');
  });
});

describe('a remote listener with a token', () => {
  let watch: WatchProcess;
  let base: string;
  let port: number;
  beforeAll(async () => {
    const args = ['--listen', '0.0.0.0:0', '--listen-remote', '--listen-token-file', tokenFile];
    watch = new WatchProcess(QUICKSTART, path.join(dir, 'state-remote'), args);
    await watch.ready();
    port = Number(new URL(watch.url).port);
    base = `http://${externalAddress()}:${port}`;
  }, 60_000);
  afterAll(async () => {
    await watch.stop();
  }, 60_000);
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('refuses a request without the token, or with a wrong one: 401', async () => {
    for (const p of ['/status', '/metrics', '/healthz', '/livez', '/readyz', '/nope']) {
      const res = await fetch(`${base}${p}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="virtwarden"');
      expect(await res.text()).not.toContain('guests');
    }
    const wrong = await fetch(`${base}/status`, {
      headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
    });
    expect(wrong.status).toBe(401);
    const basic = await fetch(`${base}/status`, {
      headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
  });

  it('serves with the token, and logs it nowhere', async () => {
    const res = await fetch(`${base}/status`, { headers: auth });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { guests: unknown[] }).guests.length).toBeGreaterThan(0);
    expect(watch.logs.find((l) => l.msg === 'watching')?.auth).toBe('bearer');
    expect(JSON.stringify(watch.logs) + watch.errors).not.toContain(TOKEN);
  });

  it('cuts a header flood short (431, or a reset mid-flood) and keeps serving', async () => {
    const flood = 256 * 1024 * 1024;
    const r = await headerFlood('127.0.0.1', port, flood);
    expect(r.reply).toMatch(/^HTTP\/1\.1 431 |^closed$/);
    // The server stopped taking headers long before the flood ended: it holds at most 8 KiB of
    // them, plus what the kernel's socket buffers absorbed.
    expect(r.sent).toBeLessThan(flood / 4);
    // Just over the limit, sent at once: the reply is readable. (The server closes after its
    // 431; a client still writing may see that as a reset first, so a few tries.)
    const replies: string[] = [];
    for (let i = 0; i < 5 && !replies.some((r) => r.startsWith('HTTP/1.1 431 ')); i++)
      replies.push((await headerFlood('127.0.0.1', port, 12 * 1024)).reply);
    expect(replies.some((r) => r.startsWith('HTTP/1.1 431 '))).toBe(true);
    expect((await fetch(`${base}/healthz`, { headers: auth })).status).toBe(200);
  });

  it('reads no bodies (413) and changes nothing (405)', async () => {
    const post = await fetch(`${base}/status`, { method: 'POST', headers: auth });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const withBody = await fetch(`${base}/status`, {
      method: 'PUT',
      headers: auth,
      body: 'x'.repeat(100_000),
    });
    expect(withBody.status).toBe(413);
    // Unauthenticated bodies are refused the same way, unread.
    expect((await fetch(`${base}/status`, { method: 'POST', body: 'x' })).status).toBe(413);
  });

  it('closes a connection that never finishes its headers after the 5 s header timeout', async () => {
    const t0 = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.on('connect', () => s.write('GET /status HTTP/1.1\r\nHost: x\r\n'));
      const drip = setInterval(() => s.write('X'), 500);
      s.on('error', () => undefined);
      s.on('close', () => {
        clearInterval(drip);
        resolve(Date.now() - t0);
      });
    });
    expect(closedAfter).toBeGreaterThanOrEqual(4_500);
    expect(closedAfter).toBeLessThan(7_500);
  }, 20_000);

  it('closes an idle keep-alive connection after 5 s', async () => {
    let answeredAt = 0;
    const closedAt = await new Promise<number>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.on('connect', () =>
        s.write(`GET /livez HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`),
      );
      s.on('data', (d: Buffer) => {
        if (d.toString().startsWith('HTTP/1.1 200')) answeredAt = Date.now();
      });
      s.on('error', () => undefined);
      s.on('close', () => {
        resolve(Date.now());
      });
    });
    expect(answeredAt).toBeGreaterThan(0);
    expect(closedAt - answeredAt).toBeGreaterThanOrEqual(4_500);
    expect(closedAt - answeredAt).toBeLessThan(7_500);
  }, 20_000);
});

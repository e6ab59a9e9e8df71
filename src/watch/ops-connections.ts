/**
 * The connection budget of the ops endpoint. Every connection is a file descriptor, and the
 * descriptors `watch` needs to heal guests (libvirt connections, the journal, state files) come
 * from the same process limit: without a cap, a slowloris (connections that never finish their
 * headers) fills the descriptor table and takes the controller's appends down with it.
 *
 * At the cap, a new connection evicts the oldest one that has no request in flight (a
 * half-open connection still sending headers, or an idle keep-alive one), so a slowloris cannot
 * lock out a monitor's probe: a probe sends its request at once and is answered, while the
 * attacker's connections are the oldest idle ones. Only when every connection is serving a
 * request is the newcomer closed. `server.maxConnections` stays as a hard backstop a little
 * above the cap (a destroyed socket leaves the server's count a tick later).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionBudget {
  /** Connections open now. */
  readonly open: () => number;
  /** Connections closed to make room since the start. */
  readonly evicted: () => number;
}

export function limitConnections(
  server: Server,
  cap: number,
  onFull: (evicted: boolean) => void,
): ConnectionBudget {
  // Insertion order is age order: the first idle one found is the oldest.
  const sockets = new Map<Socket, { busy: number }>();
  let evicted = 0;
  server.maxConnections = cap + 16;
  server.on('connection', (socket: Socket) => {
    if (sockets.size >= cap) {
      let victim: Socket | undefined;
      for (const [s, st] of sockets) {
        if (st.busy === 0) {
          victim = s;
          break;
        }
      }
      if (victim === undefined) {
        onFull(false);
        socket.destroy();
        return;
      }
      sockets.delete(victim);
      victim.destroy();
      evicted++;
      onFull(true);
    }
    sockets.set(socket, { busy: 0 });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    const st = sockets.get(req.socket);
    if (st === undefined) return;
    st.busy++;
    res.once('close', () => {
      st.busy--;
    });
  });
  return { open: () => sockets.size, evicted: () => evicted };
}

// The binding under connection churn, as `watch` meets it on a bad day: one connection per host
// with keepalive 1 s × 2 and events, many calls in flight on it at once, while the test process
// freezes, stops and restarts the daemon. Every dead connection is closed and a new one opened
// (as the host link does). Runs for argv[3] ms, then prints what it did as JSON and exits 0; a
// crash of the native code shows as a signal to the parent.
const path = require('node:path');
const addon = require(
  path.join(__dirname, '../../../native/build/Release/virtwarden_libvirt.node'),
);

const uris = process.argv[2].split(',');
const runMs = Number(process.argv[3] ?? '20000');
const stats = {
  calls: 0,
  failures: 0,
  connects: 0,
  connectFailures: 0,
  closes: 0,
  events: 0,
  probes: 0,
  probeFailures: 0,
};
// One link per host: the open connection, or the connect in flight.
const links = uris.map((uri) => ({ uri, conn: undefined, opening: undefined }));

async function connection(link) {
  if (link.conn !== undefined && link.conn.isAlive()) return link.conn;
  if (link.conn !== undefined) {
    const dead = link.conn;
    link.conn = undefined;
    stats.closes++;
    dead.close().catch(() => undefined);
  }
  link.opening ??= (async () => {
    try {
      const c = await addon.open(link.uri, false);
      stats.connects++;
      await c.setKeepAlive(1, 2).catch(() => undefined);
      await c.subscribe(() => stats.events++).catch(() => undefined);
      link.conn = c;
      return c;
    } catch (err) {
      stats.connectFailures++;
      await new Promise((r) => setTimeout(r, 100));
      throw err;
    } finally {
      link.opening = undefined;
    }
  })();
  return link.opening;
}

async function worker(i, until) {
  while (Date.now() < until) {
    try {
      const c = await connection(links[(i + stats.calls) % links.length]);
      const r = i % 3;
      if (r === 0) await c.listAllDomains();
      else if (r === 1) await c.hostname();
      else
        await c.getState('churn-none').catch((e) => {
          if (!/not found|no domain/i.test(String(e?.message))) throw e;
        });
      stats.calls++;
    } catch {
      stats.failures++;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

// Short-lived connections, as a probe before fencing makes them: opened, used once, closed
// (their clients freed while the long-lived links' calls go on).
async function prober(until) {
  while (Date.now() < until) {
    for (const uri of uris) {
      try {
        const c = await addon.open(uri, false);
        stats.probes++;
        await c.listAllDomains().catch(() => undefined);
        await c.close();
      } catch {
        stats.probeFailures++;
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

(async () => {
  const until = Date.now() + runMs;
  await Promise.all([
    ...Array.from({ length: 12 }, (_, i) => worker(i, until)),
    prober(until),
    prober(until),
  ]);
  await Promise.all(links.map((l) => l.conn?.close().catch(() => undefined)));
  process.stdout.write(`${JSON.stringify(stats)}\n`);
})();

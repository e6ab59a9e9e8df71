// Run N binding calls (after a warm-up) against the test driver and report RSS growth as JSON.
// Also provokes libvirt errors: none of them may be printed to stderr.
const path = require('node:path');
const addon = require(
  path.join(__dirname, '../../../native/build/Release/virtwarden_libvirt.node'),
);

(async () => {
  const n = Number(process.argv[2] || 100000);
  const conn = await addon.open('test:///default', false);
  const round = async (count) => {
    for (let i = 0; i < count; i += 100) {
      const batch = [];
      for (let k = 0; k < 100; k++) {
        batch.push(
          k % 10 === 0 ? conn.getState('missing').catch(() => null) : conn.listAllDomains(),
        );
      }
      await Promise.all(batch);
    }
  };
  await round(20000);
  global.gc?.();
  const before = process.memoryUsage().rss;
  await round(n);
  global.gc?.();
  const after = process.memoryUsage().rss;
  await conn.close();
  process.stdout.write(JSON.stringify({ calls: n, growthMiB: (after - before) / 1048576 }));
})().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String(e) }));
  process.exit(1);
});

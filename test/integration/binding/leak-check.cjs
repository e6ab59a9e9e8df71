// Runs N binding calls after a warm-up against the test driver (9 in 10 a bulk list, 1 in 10 a
// failing lookup) and prints the RSS growth as JSON. libvirt must print nothing to stderr.
const path = require('node:path');
const addon = require(
  path.join(__dirname, '../../../native/build/Release/virtwarden_libvirt.node'),
);

(async () => {
  const n = Number(process.argv[2] || 100000);
  const conn = await addon.open('test:///default', false);
  let failed = 0;
  const round = async (count) => {
    for (let i = 0; i < count; i += 100) {
      const batch = [];
      for (let k = 0; k < 100; k++) {
        batch.push(
          k % 10 === 0
            ? conn.getState('missing').then(
                () => {
                  throw new Error('lookup of a missing domain succeeded');
                },
                () => {
                  failed++;
                },
              )
            : conn.listAllDomains(),
        );
      }
      await Promise.all(batch);
    }
  };
  await round(20000);
  global.gc?.();
  const before = process.memoryUsage().rss;
  failed = 0;
  await round(n);
  global.gc?.();
  const after = process.memoryUsage().rss;
  await conn.close();
  process.stdout.write(JSON.stringify({ calls: n, failed, growthMiB: (after - before) / 1048576 }));
})().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String(e) }));
  process.exit(1);
});

// Opens a connection, subscribes, sees one event, then simply ends without close(): the
// process must exit by itself (the events' thread-safe function is unref'd, the worker pool's
// is referenced only while a call is outstanding).
const path = require('node:path');
const addon = require(
  path.join(__dirname, '../../../native/build/Release/virtwarden_libvirt.node'),
);

(async () => {
  const conn = await addon.open('test:///default', false);
  let seen = false;
  await conn.subscribe((e) => {
    if (e.type === 'lifecycle' && e.domain === 'exit-check' && !seen) {
      seen = true;
      process.stdout.write(
        `${['defined'][e.event] ?? e.event}/${['added'][e.detail] ?? e.detail}\n`,
      );
    }
  });
  await conn.defineXml(
    "<domain type='test'><name>exit-check</name><memory unit='MiB'>8</memory>" +
      '<os><type>hvm</type></os></domain>',
    0,
  );
  const t0 = Date.now();
  while (!seen && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
})();

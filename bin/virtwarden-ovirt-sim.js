#!/usr/bin/env node
// The oVirt engine simulator's launcher: the compiled TypeScript lives in dist/ (npm run build).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/ovirt-sim/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('virtwarden-ovirt-sim: not built yet; run npm run build first\n');
  process.exit(1);
}
const { main: run } = await import(main.href);
process.exit(await run(process.argv.slice(2)));

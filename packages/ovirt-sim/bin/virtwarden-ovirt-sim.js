#!/usr/bin/env node
// The oVirt engine simulator's launcher: the compiled TypeScript lives in ../dist/ (built by the
// repository's `npm ci` / `npm run build`, or this package's own `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('virtwarden-ovirt-sim: not built yet; run npm run build first\n');
  process.exit(1);
}
const { main: run } = await import(main.href);
process.exit(await run(process.argv.slice(2)));

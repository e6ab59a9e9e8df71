#!/usr/bin/env node
// The CLI entry point: the compiled TypeScript lives in dist/ (built by `npm ci` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(
    'virtwarden: not built yet; run ./scripts/setup.sh (or npm run build) first\n',
  );
  process.exit(1);
}
const { runCli } = await import(main.href);
process.exit(await runCli(process.argv.slice(2)));

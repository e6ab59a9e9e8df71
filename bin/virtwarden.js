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
const code = await runCli(process.argv.slice(2));
// A pipe takes large output asynchronously: exit only once what was written has left (else
// `apply -o json | jq` of a big fleet gets cut-off JSON). A closed pipe calls back too.
const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);

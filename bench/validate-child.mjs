// Runs `virtwarden validate` in this process (as bin/virtwarden.js does) and reports, on
// stderr as one JSON line, how long the command took, the process's CPU time (user + system,
// which other load on the machine does not inflate) and its peak resident memory.
// Used by bench/validate.mjs; needs `npm run build` first.
import { runCli } from '../dist/cli/main.js';

const started = process.hrtime.bigint();
const sink = { write: () => true, isTTY: false };
const io = {
  stdout: sink,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
};
const code = await runCli(['validate', ...process.argv.slice(2)], io);
const commandMs = Number(process.hrtime.bigint() - started) / 1e6;
process.stderr.write(
  JSON.stringify({
    code,
    commandMs,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
process.exit(code);

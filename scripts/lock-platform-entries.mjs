// Adds package-lock entries for platform-specific optional packages that the npm registry
// reachable here does not carry (e.g. @swc/core-darwin-arm64): without an entry, `npm ci`
// refuses the lock file ("Missing: … from lock file") even though such a package could never be
// installed on this platform. Each entry records the package's os/cpu, so npm skips it.
//
//   node scripts/lock-platform-entries.mjs          # after `npm install` changed the lock
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony'];
const CPU = {
  arm64: 'arm64',
  x64: 'x64',
  arm: 'arm',
  ia32: 'ia32',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

function platformOf(name) {
  const tail = name.split('/').pop();
  const os = OS.find((o) => tail.includes(`-${o}-`));
  const cpuKey = Object.keys(CPU).find((c) => new RegExp(`-${c}(-|$)`).test(tail));
  if (!os || !cpuKey) return undefined;
  const entry = { os: [os], cpu: [CPU[cpuKey]] };
  if (/-musl/.test(tail)) entry.libc = ['musl'];
  else if (/-gnu/.test(tail)) entry.libc = ['glibc'];
  return entry;
}

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (packages[key] !== undefined || `${path}/node_modules/${dep}` in packages) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    packages[key] = {
      version: range.replace(/^[\^~]/, ''),
      ...platform,
      dev: meta.dev === true ? true : undefined,
      optional: true,
    };
    if (packages[key].dev === undefined) delete packages[key].dev;
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`lock: ${added} platform entries added`);

// `npm ci` / `npm run install`: builds the addon with node-gyp against the headers of the Node
// that runs this script (a distribution's /usr/include/node, nvm's or a tarball's include/node),
// so node-gyp never tries to download headers, even where no ~/.npmrc sets `nodedir`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

const libvirt = spawnSync('pkg-config', ['--exists', '--print-errors', 'libvirt >= 9.0.0'], {
  encoding: 'utf8',
});
if (libvirt.error !== undefined || libvirt.status !== 0) {
  process.stderr.write(
    'virtwarden: the native libvirt binding needs pkg-config and libvirt-dev >= 9.0 ' +
      '(Debian: apt-get install pkg-config libvirt-dev g++ make python3)\n' +
      (libvirt.stderr ?? String(libvirt.error ?? '')) +
      '\n',
  );
  process.exit(1);
}

const args = ['rebuild', `--directory=${here}`];
if (process.env.npm_config_nodedir === undefined || process.env.npm_config_nodedir === '') {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) {
    args.push(`--nodedir=${prefix}`);
  }
}

// npm names its bundled node-gyp for lifecycle scripts; run by hand, node-gyp must be on PATH.
const bundled = process.env.npm_config_node_gyp;
const result =
  bundled !== undefined && bundled !== ''
    ? spawnSync(process.execPath, [bundled, ...args], { stdio: 'inherit' })
    : spawnSync('node-gyp', args, { stdio: 'inherit' });
if (result.error !== undefined) {
  process.stderr.write(`virtwarden: cannot run node-gyp: ${result.error.message}\n`);
}
process.exit(result.status ?? 1);

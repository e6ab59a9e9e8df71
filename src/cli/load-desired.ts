/**
 * Load the manifests for a command that acts on them. Any error in them means nothing at all
 * is done: the diagnostics are printed (like `validate`) and the command exits 1.
 */
import type { Desired } from '../model/desired.js';
import { loadManifests, type RootOptions } from '../manifest/index.js';
import type { CliIo } from './io.js';
import { renderDiagnostics } from './render/diagnostics.js';

export async function loadDesiredOrReport(
  dir: string,
  io: CliIo,
  format: 'text' | 'json',
  root: RootOptions = {},
): Promise<Desired | undefined> {
  const result = await loadManifests(dir, root);
  const render = { cwd: io.cwd, stream: io.stderr, env: io.env, excerptFiles: result.excerptFiles };
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
  if (result.desired !== undefined) {
    if (warnings.length > 0 && format === 'text') {
      io.stderr.write(renderDiagnostics(warnings, render));
    }
    return result.desired;
  }
  if (format === 'json') {
    io.stdout.write(
      JSON.stringify(
        { format_version: 1, error: 'invalid manifests', diagnostics: result.diagnostics },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.stderr.write(renderDiagnostics(result.diagnostics, render));
    io.stderr.write(
      'Nothing was done: fix the manifests first (virtwarden validate shows the same).\n',
    );
  }
  return undefined;
}

import type { Command } from '../command.js';

// Placeholder until the manifest loader lands.
export const command: Command = {
  name: 'validate',
  summary: 'check manifests and print diagnostics',
  usage: 'Usage: virtwarden validate [DIR] [-o text|json]\n',
  run(_argv, io) {
    io.stderr.write('validate: not implemented yet\n');
    return Promise.resolve(1);
  },
};

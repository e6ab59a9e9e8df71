import { describe, expect, it } from '@jest/globals';
import { runCli } from '../../../src/cli/main.js';
import { captureIo } from '../../helpers/cli-io.js';

describe('virtwarden CLI dispatcher', () => {
  it('lists the commands on --help and exits 0', async () => {
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.out()).toContain('validate');
  });

  it('rejects an unknown command with a usage exit (64, never 2) and names it', async () => {
    const io = captureIo();
    expect(await runCli(['frobnicate'], io)).toBe(64);
    expect(io.err()).toContain("unknown command 'frobnicate'");
  });
});

describe('exit codes for CI', () => {
  it('a mistyped flag with --detailed-exitcode is a usage error (64), not "changes present" (2)', async () => {
    const io = captureIo();
    expect(await runCli(['plan', '--detailed-exitcode', '--no-such-flag'], io)).toBe(64);
    expect(io.err()).toContain('no-such-flag');
  });
});

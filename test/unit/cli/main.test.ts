import { describe, expect, it } from '@jest/globals';
import { runCli } from '../../../src/cli/main.js';
import { captureIo } from '../../helpers/cli-io.js';

describe('virtwarden CLI dispatcher', () => {
  it('lists the commands on --help and exits 0', async () => {
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.out()).toContain('validate');
  });

  it('rejects an unknown command with exit 2 and names it', async () => {
    const io = captureIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.err()).toContain("unknown command 'frobnicate'");
  });
});

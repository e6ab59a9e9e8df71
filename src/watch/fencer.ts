/**
 * Fencing a lost host before its guests may start elsewhere: the host's fence command must
 * succeed and, where a status command is configured, report the host off. Without a fence
 * command, only an operator can confirm (`virtwarden fence confirm HOST`).
 */
import type { LibvirtHost } from '../model/desired.js';
import { describeHookResult, runHook } from '../providers/exec/run-hook.js';

export type FenceOutcome =
  | { readonly fenced: true; readonly message: string }
  | { readonly fenced: false; readonly message: string };

export async function fenceHost(host: LibvirtHost, signal?: AbortSignal): Promise<FenceOutcome> {
  const fence = host.fence;
  if (!fence) {
    return {
      fenced: false,
      message: `${host.name} has no fence command: waiting for an operator to run \`virtwarden fence confirm ${host.name}\``,
    };
  }
  const argv0 = fence.off.argv[0] ?? 'fence';
  const off = await runHook(fence.off, signal ? { signal } : {});
  if (off.exitCode !== 0) {
    return {
      fenced: false,
      message: `fencing ${host.name} failed: ${describeHookResult(argv0, off)}`,
    };
  }
  if (!fence.status)
    return { fenced: true, message: `${host.name} fenced: ${describeHookResult(argv0, off)}` };
  const status = await runHook(fence.status, signal ? { signal } : {});
  const saysOff = status.exitCode === 0 && /\boff\b/i.test(status.stdout);
  return saysOff
    ? { fenced: true, message: `${host.name} fenced and reported off` }
    : {
        fenced: false,
        message: `fence command for ${host.name} succeeded but its status does not report it off (${describeHookResult(fence.status.argv[0] ?? 'status', status)})`,
      };
}

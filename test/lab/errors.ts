/** Stable codes of every error the lab throws; check `error.code`, never the message. */
export const LabErrorCode = {
  /** Bad argument to a lab function (guest name, size, host count, …). */
  BadInput: 'LAB_BAD_INPUT',
  /** gcc/ld failed to build the reaper or the tiny guest. */
  BuildFailed: 'LAB_BUILD_FAILED',
  /** A libvirtd host did not come up; the message carries the tail of its log. */
  HostStartFailed: 'LAB_HOST_START_FAILED',
  /** The call does not fit the host's state (restart() of a running host, freeze() of a stopped one). */
  HostState: 'LAB_HOST_STATE',
  /** A child command (virsh, losetup, …) exited non-zero. */
  CommandFailed: 'LAB_COMMAND_FAILED',
  /** Waiting for something (readiness, a guest's uptime, a process exit) took too long. */
  Timeout: 'LAB_TIMEOUT',
  /** No free block of migration/display ports was left. */
  NoFreePorts: 'LAB_NO_FREE_PORTS',
} as const;
export type LabErrorCode = (typeof LabErrorCode)[keyof typeof LabErrorCode];

/** Any failure of the test lab. */
export class LabError extends Error {
  readonly code: LabErrorCode;
  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
    this.code = code;
  }
}

/** A child command exited non-zero (or was killed); carries what it printed. */
export class LabCommandError extends LabError {
  readonly command: readonly string[];
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  constructor(
    command: readonly string[],
    result: { exitCode: number | null; stdout: string; stderr: string; reason?: string },
  ) {
    const detail =
      [result.stderr.trim(), result.stdout.trim(), result.reason].find(
        (text) => text !== undefined && text !== '',
      ) ?? 'no output';
    super(
      LabErrorCode.CommandFailed,
      `${command.join(' ')} failed (exit ${String(result.exitCode)}): ${detail}`,
    );
    this.name = 'LabCommandError';
    this.command = command;
    this.exitCode = result.exitCode;
    this.stdout = result.stdout;
    this.stderr = result.stderr;
  }
}

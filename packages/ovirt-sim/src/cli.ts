import { copyFile } from 'node:fs/promises';
import { loadDatasetFile } from './dataset/build.js';
import { OvirtSimError } from './errors.js';
import { startOvirtSim, type OvirtSim } from './index.js';

/** Streams the CLI writes to (injectable for tests). */
export interface SimCliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

interface CliArgs {
  port: number;
  dataset: string | undefined;
  tls: boolean;
  stepMs: number | undefined;
  writeCa: string | undefined;
}

const USAGE = `usage: virtwarden-ovirt-sim [--port N] [--dataset FILE] [--no-tls] [--step-ms N] [--write-ca FILE]

Runs a simulated oVirt/RHV engine (REST API v4) on 127.0.0.1 until SIGINT/SIGTERM.
  --port N        TCP port (default 0: a free port)
  --dataset FILE  engine content, YAML or JSON (default: the two-site demo)
  --no-tls        plain HTTP instead of HTTPS with a generated CA
  --step-ms N     delay between status transitions (default 300)
  --write-ca FILE copy the generated CA certificate there (for a site's caFile)
`;

export function parseArgs(argv: readonly string[]): CliArgs | 'help' {
  const args: CliArgs = {
    port: 0,
    dataset: undefined,
    tls: true,
    stepMs: undefined,
    writeCa: undefined,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[i + 1];
      if (v === undefined) throw new OvirtSimError('options-invalid', `${arg ?? ''} needs a value`);
      i += 1;
      return v;
    };
    const integer = (text: string): number => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0)
        throw new OvirtSimError(
          'options-invalid',
          `${arg ?? ''}: '${text}' is not a non-negative integer`,
        );
      return n;
    };
    switch (arg) {
      case '--port':
        args.port = integer(value());
        break;
      case '--dataset':
        args.dataset = value();
        break;
      case '--no-tls':
        args.tls = false;
        break;
      case '--step-ms':
        args.stepMs = integer(value());
        break;
      case '--write-ca':
        args.writeCa = value();
        break;
      case '-h':
      case '--help':
        return 'help';
      default:
        throw new OvirtSimError('options-invalid', `unknown argument '${arg ?? ''}'`);
    }
  }
  return args;
}

/** Starts the simulator from command-line arguments and prints how to reach it. */
export async function startFromCli(
  argv: readonly string[],
  io: SimCliIo,
): Promise<OvirtSim | number> {
  let args: CliArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    io.stderr.write(
      `virtwarden-ovirt-sim: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`,
    );
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    const state = args.dataset === undefined ? undefined : await loadDatasetFile(args.dataset);
    const sim = await startOvirtSim({
      port: args.port,
      tls: args.tls,
      ...(state === undefined ? {} : { state }),
      ...(args.stepMs === undefined ? {} : { timing: { stepMs: args.stepMs } }),
    });
    if (args.writeCa !== undefined && sim.caFile !== undefined)
      await copyFile(sim.caFile, args.writeCa);
    const user = sim.users[0];
    io.stdout.write(
      [
        `oVirt engine simulator listening`,
        `  API:         ${sim.url}`,
        `  CA file:     ${args.writeCa ?? sim.caFile ?? '(none: plain HTTP)'}`,
        `  credentials: ${user?.name ?? ''} / ${user?.password ?? ''}`,
        `  SSO token:   ${sim.origin}/ovirt-engine/sso/oauth/token`,
        `  admin:       ${sim.origin}/__sim/state (loopback only)`,
        '',
      ].join('\n'),
    );
    return sim;
  } catch (err) {
    io.stderr.write(`virtwarden-ovirt-sim: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** The process entry: runs until SIGINT/SIGTERM, then stops cleanly. */
export async function main(argv: readonly string[]): Promise<number> {
  const started = await startFromCli(argv, process);
  if (typeof started === 'number') return started;
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await started.stop();
  return 0;
}

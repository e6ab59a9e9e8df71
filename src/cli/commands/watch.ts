import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Command } from '../command.js';
import { parseCommandArgs, positiveInt } from '../args.js';
import { UsageError } from '../errors.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { createLogger } from '../logger.js';
import { manifestDir } from '../shared-options.js';
import type { Desired } from '../../model/desired.js';
import { loadManifests } from '../../manifest/index.js';
import { closeProviders, openProviders } from '../../providers/registry.js';
import { readFencing } from '../../state/fencing.js';
import { recordVolumeActions } from '../../state/volume-inventory.js';
import { Journal } from '../../state/journal.js';
import { acquireLock, LockedError } from '../../state/lock.js';
import { stateDir } from '../../state/state-dir.js';
import { Controller } from '../../watch/controller.js';
import { isManifestFile, watchFiles } from '../../watch/file-watchers.js';
import { changedGuests, sitesChanged } from '../../watch/guest-keys.js';
import { attachHostLoss } from '../../watch/host-loss.js';
import { startOpsServer } from '../../watch/ops-server.js';

function parseListen(v: string | undefined): { host: string; port: number } {
  const value = v ?? '127.0.0.1:9474';
  const m = /^(.*):(\d+)$/.exec(value);
  if (!m?.[1] || m[2] === undefined) throw new UsageError(`--listen '${value}' must be HOST:PORT`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

function definitionFiles(d: Desired): string[] {
  return [...d.guests.values()].flatMap((g) => (g.definition ? [g.definition.path] : []));
}

export const command: Command = {
  name: 'watch',
  summary: 'keep the infrastructure matching the manifests: heal crashes, host loss and edits',
  usage: `Usage: virtwarden watch [DIR] [options]

Runs until SIGTERM/SIGINT. Reacts to guest crashes, I/O errors, host loss (after fencing) and
manifest edits within a second; resyncs everything periodically. Holds the controller lock:
\`virtwarden apply\` is refused (or waits with --lock-timeout) while it runs.

Options:
      --listen HOST:PORT   operations endpoint: /healthz, /status, /metrics
                           (default 127.0.0.1:9474; port 0 picks a free one)
      --resync SECONDS     full resync period (default 60)
      --restart-backoff-ms MS
                           first wait between crash restarts of one guest, doubling up
                           to 5 minutes (default 5000)
      --workers N          guests reconciled at once (default 4)
      --log-format F       json or pretty (default: pretty on a terminal, else json)
      --log-level L        trace, debug, info, warn, error (default info)
      --lock-timeout SEC   wait this long for the controller lock (default 0)
      --state-dir DIR      lock, journal and fencing records
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      listen: { type: 'string' },
      resync: { type: 'string' },
      'restart-backoff-ms': { type: 'string' },
      workers: { type: 'string' },
      'log-format': { type: 'string' },
      'log-level': { type: 'string' },
      'lock-timeout': { type: 'string' },
      'state-dir': { type: 'string' },
    });
    const listen = parseListen(values.listen);
    const resyncSeconds = Math.max(1, positiveInt('resync', values.resync, 60));
    const workers = Math.max(1, positiveInt('workers', values.workers, 4));
    const logFormat = values['log-format'];
    if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'pretty') {
      throw new UsageError(`--log-format must be json or pretty`);
    }
    const log = createLogger(io.stdout, logFormat, values['log-level'] ?? 'info');
    const dir = manifestDir(io, positionals[0]);
    const desired = await loadDesiredOrReport(dir, io, 'text');
    if (!desired) return 1;
    const state = stateDir(io.env, values['state-dir']);
    let lock;
    try {
      lock = await acquireLock(
        state,
        `virtwarden watch ${dir}`,
        positiveInt('lock-timeout', values['lock-timeout'], 0) * 1000,
      );
    } catch (err) {
      if (!(err instanceof LockedError)) throw err;
      io.stderr.write(`virtwarden watch: ${err.message}\n`);
      return 1;
    }
    const providerOptions = { env: io.env, manifestDir: dir };
    let providers = await openProviders(desired, providerOptions);
    const controller = new Controller(desired, providers, {
      log,
      journal: new Journal(state, randomUUID()),
      workers,
      resyncSeconds,
      onActionDone: (a) => {
        void recordVolumeActions(state, [a]).catch((err: unknown) => {
          log.error({ err }, 'cannot record a created volume in the inventory');
        });
      },
      restartBackoff: {
        baseMs: positiveInt('restart-backoff-ms', values['restart-backoff-ms'], 5000),
        capMs: 300_000,
      },
    });
    controller.fencedHosts = new Set((await readFencing(state)).keys());
    attachHostLoss(controller, state, log);

    let stopping = false;
    const server = await startOpsServer(controller, listen, () => ({
      ok: !stopping,
      detail: stopping
        ? 'stopping'
        : `${controller.desired.guests.size} guests, queue ${controller.queue.depth}`,
    }));
    const reload = async (changedAt: number): Promise<void> => {
      const result = await loadManifests(dir);
      if (!result.desired) {
        const errors = result.diagnostics.filter((d) => d.severity === 'error');
        log.error(
          { diagnostics: errors },
          `manifests have ${errors.length} error(s): keeping the previous ones, nothing applied`,
        );
        return;
      }
      const before = controller.desired;
      const next = result.desired;
      if (sitesChanged(before, next)) {
        const old = providers;
        providers = await openProviders(next, providerOptions);
        await controller.replace(next, providers);
        await closeProviders(old);
        controller.enqueueAll('manifest', changedAt);
      } else {
        await controller.replace(next);
      }
      const changed = changedGuests(before, next);
      for (const g of changed) controller.history.manifestEdited(g);
      log.info({ changed }, `manifests reloaded: ${changed.length} guest(s) changed`);
      for (const g of changed) controller.enqueue(g, 'manifest', changedAt);
      if (changed.length === 0) controller.enqueueAll('manifest', changedAt);
    };
    const manifests = watchFiles([dir, ...definitionFiles(desired)], (at) => void reload(at), {
      filter: isManifestFile,
    });
    const fencing = watchFiles([path.join(state, 'fencing.json')], () => {
      void readFencing(state).then((records) => {
        controller.fencedHosts = new Set(records.keys());
        log.info({ fenced: [...records.keys()] }, 'fencing records changed');
        controller.enqueueAll('fence-confirm');
      });
    });
    await Promise.all([manifests.ready, fencing.ready]);
    await controller.start();
    log.info(
      { manifests: dir, guests: desired.guests.size, listen: server.url, state },
      'watching',
    );

    await new Promise<void>((resolve) => {
      const onSignal = (sig: NodeJS.Signals): void => {
        if (stopping) return;
        stopping = true;
        log.info({ signal: sig }, 'stopping: actions in flight finish, nothing new starts');
        resolve();
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    });
    await controller.stop();
    await Promise.allSettled([manifests.close(), fencing.close(), server.close()]);
    await closeProviders(providers);
    await lock.release();
    log.info('stopped');
    return 0;
  },
};

import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Command } from '../command.js';
import { parseCommandArgs, positiveInt } from '../args.js';
import { UsageError } from '../errors.js';
import { listenOptions } from '../listen-options.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { createLogger } from '../logger.js';
import { manifestDir, ROOT_OPTIONS, ROOT_USAGE, rootOptions } from '../shared-options.js';
import { errorMessage, VirtwardenError } from '../../common/errors.js';
import { secrets } from '../../common/redact.js';
import type { Desired } from '../../model/desired.js';
import { loadManifests } from '../../manifest/index.js';
import { closeProviders, openProviders } from '../../providers/registry.js';
import { LockedError } from '../../state/lock.js';
import { openStateDir, stateDir } from '../../state/state-dir.js';
import { Controller } from '../../watch/controller.js';
import { isManifestFile, watchFiles, watchFolder } from '../../watch/file-watchers.js';
import { Health } from '../../watch/health.js';
import { HistorySync } from '../../watch/history-sync.js';
import { HostLoss } from '../../watch/host-loss.js';
import { startOpsServer } from '../../watch/ops-server.js';
import { ManifestReloader } from '../../watch/reload.js';

function definitionFiles(d: Desired): string[] {
  return [...d.guests.values()].flatMap((g) => (g.definition ? [g.definition.path] : []));
}

export const command: Command = {
  name: 'watch',
  summary: 'keep the infrastructure matching the manifests: heal crashes, host loss and edits',
  usage: `Usage: virtwarden watch [DIR] [options]

Runs until SIGTERM/SIGINT. Reacts to guest crashes, I/O errors, host loss (after fencing) and
manifest edits within a second; resyncs everything periodically. Holds the controller lock:
\`virtwarden apply\` is refused (or waits with --lock-timeout) while it runs. What it must not
forget (failure histories, FAULTED guests, fencing records, drains) is kept in the state
directory, so a restarted watch carries on where the last one stopped.

Options:
      --listen HOST:PORT   operations endpoint: /healthz, /livez, /readyz, /status, /metrics
                           (default 127.0.0.1:9474; port 0 picks a free one); an address
                           other than loopback needs --listen-remote and a token file
      --listen-remote      allow a non-loopback --listen (e.g. 0.0.0.0:9474)
      --listen-token-file FILE
                           every request must send "Authorization: Bearer <the token in
                           FILE>" (mode 600, at least 16 characters); required with
                           --listen-remote
      --listen-max-connections N
                           connections the endpoint keeps at once (default 64); at the
                           cap a new one replaces the oldest idle or half-open one
      --resync SECONDS     full resync period (default 60)
      --restart-backoff-ms MS
                           first wait between crash restarts of one guest, doubling up
                           to 5 minutes (default 5000)
      --workers N          guests reconciled at once (default 4)
      --log-format F       json or pretty (default: pretty on a terminal, else json)
      --log-level L        trace, debug, info, warn, error (default info)
      --lock-timeout SEC   wait this long for the controller lock (default 0)
      --state-dir DIR      lock, journal, histories, fencing records and drains
${ROOT_USAGE}
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      listen: { type: 'string' },
      'listen-remote': { type: 'boolean' },
      'listen-token-file': { type: 'string' },
      'listen-max-connections': { type: 'string' },
      resync: { type: 'string' },
      'restart-backoff-ms': { type: 'string' },
      workers: { type: 'string' },
      'log-format': { type: 'string' },
      'log-level': { type: 'string' },
      'lock-timeout': { type: 'string' },
      'state-dir': { type: 'string' },
      ...ROOT_OPTIONS,
    });
    const root = rootOptions(io, values);
    const listen = listenOptions(values, io.cwd);
    const resyncSeconds = Math.max(1, positiveInt('resync', values.resync, 60));
    const workers = Math.max(1, positiveInt('workers', values.workers, 4));
    const logFormat = values['log-format'];
    if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'pretty') {
      throw new UsageError(`--log-format must be json or pretty`);
    }
    const level = values['log-level'] ?? 'info';
    if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(level)) {
      throw new UsageError(`--log-level must be trace, debug, info, warn or error`);
    }
    const log = createLogger(io.stdout, logFormat, level);
    const dir = manifestDir(io, positionals[0]);
    const loaded = await loadDesiredOrReport(dir, io, 'text', root);
    if (!loaded) return 1;
    const desired: Desired = loaded;
    const stateFolder = stateDir(io.env, values['state-dir']);
    const state = openStateDir(stateFolder, {
      onProblem: (p) => {
        log.warn({ file: p.file }, p.message);
      },
    });
    let lock;
    try {
      lock = await state.lock(
        `virtwarden watch ${dir}`,
        positiveInt('lock-timeout', values['lock-timeout'], 0) * 1000,
      );
    } catch (err) {
      if (!(err instanceof LockedError)) throw err;
      io.stderr.write(`virtwarden watch: ${err.message}\n`);
      return 1;
    }
    try {
      return await watchUntilStopped();
    } finally {
      await lock.release();
    }

    async function watchUntilStopped(): Promise<number> {
      const journal = state.journal(randomUUID());
      const health = new Health(
        () => [...controller.lostHosts].map((h) => `host ${h} is lost`),
        () => `${controller.desired.guests.size} guests, queue ${controller.queue.depth}`,
      );
      journal.onFailure((f) => {
        health.set('journal', `${f.message} (${f.lost} line(s) lost)`);
        log.error(
          { err: f.message, lost: f.lost },
          'the journal cannot be written: actions go on, their audit trail does not',
        );
      });
      const interrupted = await journal.markInterrupted();
      if (interrupted.length > 0) {
        log.warn(
          { actions: interrupted.map((e) => e.action) },
          `${interrupted.length} action(s) of an earlier run never finished (its process died): marked interrupted`,
        );
      }
      const providerOptions = { env: io.env, manifestDir: dir };
      const histories = new HistorySync(state, log);
      const controller = new Controller(desired, await openProviders(desired, providerOptions), {
        log,
        journal,
        workers,
        resyncSeconds,
        histories: await state.histories(),
        saveHistory: (g, h) => {
          histories.save(g, h);
        },
        onActionDone: (a) => {
          state.recordVolumeActions([a]).catch((err: unknown) => {
            log.error(
              { err: errorMessage(err) },
              'cannot record a created volume in the inventory',
            );
          });
        },
        restartBackoff: {
          baseMs: positiveInt('restart-backoff-ms', values['restart-backoff-ms'], 5000),
          capMs: 300_000,
        },
      });
      const refresh = async (): Promise<void> => {
        controller.drainedHosts = new Set((await state.drains()).keys());
        controller.ownedVolumes = await state.volumes();
        const upSince = new Map<string, number>();
        for (const [h, r] of await state.hostHealth())
          if (r.upSince !== undefined) upSince.set(h, r.upSince);
        controller.hostUpSince = upSince;
      };
      await refresh();
      const hostLoss = new HostLoss(controller, {
        store: state,
        log,
        onFenceAttempt: (host, attempt, outcome) => {
          journal.fenceAttempt(
            host,
            attempt,
            outcome.fenced ? 'fenced' : 'failed',
            outcome.message,
          );
        },
      });
      await hostLoss.reload();
      controller.observer.listeners.push((site, startedAt) => {
        hostLoss.observed(site, startedAt);
        const seen = [...site.hosts.values()].map((h) => ({ host: h.name, up: h.status === 'up' }));
        state
          .observedHosts(seen, startedAt)
          .then(async (r) => {
            for (const f of r.fencingEnded) journal.fenceCleared(f.host, 'host-up');
            await refresh();
          })
          .catch((err: unknown) => {
            log.error({ err: errorMessage(err) }, 'cannot record host health');
          });
      });

      let server;
      try {
        // Problems on /healthz and /readyz quote errors from anywhere: no secret in them.
        server = await startOpsServer(
          controller,
          listen,
          () => secrets.redactValue(health.report()),
          {
            log,
            problem: (p) => {
              health.set('endpoint', p);
            },
          },
        );
      } catch (err) {
        await closeProviders(controller.providers);
        if (err instanceof VirtwardenError) throw new UsageError(err.message);
        throw err;
      }

      let manifests = watchFiles([dir, ...definitionFiles(desired)], onManifestEdit, {
        filter: isManifestFile,
      });
      const reloader = new ManifestReloader({
        controller,
        health,
        log,
        load: () => loadManifests(dir, root),
        openProviders: (d) => openProviders(d, providerOptions),
        closeProviders,
        onSwapped: (d) => {
          // New definition files must be watched too.
          const old = manifests;
          manifests = watchFiles([dir, ...definitionFiles(d)], onManifestEdit, {
            filter: isManifestFile,
          });
          old.close().catch(() => undefined);
        },
      });
      function onManifestEdit(at: number): void {
        reloader.reload(at).catch(() => undefined);
      }
      const fencing = watchFiles([path.join(stateFolder, 'fencing.json')], () => {
        hostLoss
          .reload()
          .then(() => {
            log.info({ fenced: [...controller.fencedHosts] }, 'fencing records changed');
          })
          .catch((err: unknown) => {
            log.error({ err: errorMessage(err) }, 'cannot read the fencing records');
          });
      });
      const drains = watchFiles([path.join(stateFolder, 'drains.json')], () => {
        refresh()
          .then(() => {
            log.info({ drained: [...controller.drainedHosts] }, 'drains changed');
            controller.enqueueAll('drain');
          })
          .catch((err: unknown) => {
            log.error({ err: errorMessage(err) }, 'cannot read the drains');
          });
      });
      const cleared = watchFolder(path.join(stateFolder, 'guests'), (file) => {
        const guest = path.basename(file, '.json');
        histories
          .changedOnDisk(guest)
          .then((change) => {
            if (!change) return;
            controller.history.replace(guest, change.history);
            controller.inputsChanged(guest);
            log.info(
              { guest },
              `history of ${guest} changed by another process (virtwarden clear?)`,
            );
            controller.enqueue(guest, 'clear');
          })
          .catch((err: unknown) => {
            log.error({ guest, err: errorMessage(err) }, 'cannot read a guest history');
          });
      });
      await Promise.all([manifests.ready, fencing.ready, drains.ready, cleared.ready]);
      await controller.start();
      log.info(
        {
          manifests: dir,
          guests: desired.guests.size,
          listen: server.url,
          auth: listen.token === undefined ? 'none' : 'bearer',
          state: stateFolder,
        },
        'watching',
      );

      await new Promise<void>((resolve) => {
        const onSignal = (sig: NodeJS.Signals): void => {
          health.markStopping();
          log.info({ signal: sig }, 'stopping: actions in flight finish, nothing new starts');
          resolve();
        };
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
      });
      hostLoss.stop();
      await controller.stop();
      await histories.flush();
      await Promise.allSettled([
        manifests.close(),
        fencing.close(),
        drains.close(),
        cleared.close(),
        server.close(),
      ]);
      await closeProviders(controller.providers);
      await journal.flush();
      log.info('stopped');
      return journal.failure === undefined ? 0 : 1;
    }
  },
};

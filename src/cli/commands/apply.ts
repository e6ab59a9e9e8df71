import { randomUUID } from 'node:crypto';
import type { Command } from '../command.js';
import { outputFormat, parseCommandArgs, positiveInt } from '../args.js';
import { confirm } from '../confirm.js';
import { withProviders } from '../infrastructure.js';
import { loadDesiredOrReport } from '../load-desired.js';
import { renderPlanHuman } from '../render/plan-human.js';
import { planDocument } from '../render/plan-json.js';
import { ProgressReporter } from '../render/progress.js';
import { renderStatusTable, statusDocument } from '../render/status.js';
import {
  COMMON_OPTIONS,
  COMMON_USAGE,
  manifestDir,
  parseTargets,
  rootOptions,
} from '../shared-options.js';
import { seconds, styleFor } from '../style.js';
import { resolveTargets } from '../targets.js';
import { observeAndPlan, policyFromState, RunHistories } from '../durable-plan.js';
import { countBy, succeeded } from '../../reconcile/execution-report.js';
import { DEFAULT_EXECUTOR_OPTIONS, execute } from '../../reconcile/executor.js';
import { executionDeps } from '../../reconcile/session.js';
import { guestStatuses, serviceStatuses } from '../../reconcile/status.js';
import { LockedError } from '../../state/lock.js';
import { openStateDir, stateDir } from '../../state/state-dir.js';

export const command: Command = {
  name: 'apply',
  summary: 'make the infrastructure match the manifests',
  usage: `Usage: virtwarden apply [DIR] [options]

Plans like \`virtwarden plan\`, shows the plan, asks for confirmation on a terminal, then runs
it: independent actions in parallel, each re-checked against a fresh observation first. Every
action is recorded in the journal (STATE_DIR/journal.jsonl). Exit 1 if anything failed.

Options:
${COMMON_USAGE}
      --auto-approve       do not ask for confirmation (CI)
      --lock-timeout SEC   wait up to SEC seconds for another apply/watch to finish
                           (default 0: refuse at once)
      --parallelism N      actions at once (default 8)
      --per-host N         actions at once per host (default 2)
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      ...COMMON_OPTIONS,
      'auto-approve': { type: 'boolean' },
      'lock-timeout': { type: 'string' },
      parallelism: { type: 'string' },
      'per-host': { type: 'string' },
    });
    const format = outputFormat(values.output);
    const lockTimeout = positiveInt('lock-timeout', values['lock-timeout'], 0);
    const globalLimit = Math.max(1, positiveInt('parallelism', values.parallelism, 8));
    const perHostLimit = Math.max(1, positiveInt('per-host', values['per-host'], 2));
    const dir = manifestDir(io, positionals[0]);
    const desired = await loadDesiredOrReport(dir, io, format, rootOptions(io, values));
    if (!desired) return 1;
    const targets = resolveTargets(desired, parseTargets(values.target));
    const state = openStateDir(stateDir(io.env, values['state-dir']), {
      onProblem: (p) => io.stderr.write(`virtwarden apply: warning: ${p.message}\n`),
    });
    const style = styleFor(io.stdout, io);
    const text = (s: string): void => {
      if (format === 'text') io.stdout.write(s);
    };

    let lock;
    try {
      lock = await state.lock(`virtwarden apply ${dir}`, lockTimeout * 1000);
    } catch (err) {
      if (!(err instanceof LockedError)) throw err;
      io.stderr.write(`virtwarden apply: ${err.message}\n`);
      return 1;
    }
    const journal = state.journal(randomUUID());
    try {
      await journal.markInterrupted();
      const fromState = await policyFromState(state, Date.now());
      const histories = new RunHistories(state, fromState.history);
      const policy = {
        ...fromState,
        allowRestart: values['allow-restart'] === true,
        allowDataLoss: values['allow-data-loss'] === true,
        ...(targets ? { targets } : {}),
      };
      return await withProviders(desired, io, dir, async (providers) => {
        const planned = await observeAndPlan(desired, providers, state, policy, histories);
        const { plan, observeMs } = planned;
        for (const f of planned.fencingEnded) journal.fenceCleared(f.host, 'host-up');
        text(style.dim(`Observed ${providers.size} site(s) in ${seconds(observeMs)}.`) + '\n\n');
        text(renderPlanHuman(plan, style));
        const doc: Record<string, unknown> = { format_version: 1, plan: planDocument(plan) };
        let ok = true;
        if (plan.actions.length > 0) {
          if (values['auto-approve'] !== true) {
            if (io.stdin.isTTY !== true || format === 'json') {
              io.stderr.write(
                'virtwarden apply: not a terminal; refusing to act without --auto-approve\n',
              );
              return 1;
            }
            if (!(await confirm(io, `\nApply these ${plan.actions.length} actions?`))) {
              io.stdout.write('Apply cancelled: nothing was done.\n');
              return 1;
            }
          }
          text('\n' + style.bold('Applying:') + '\n');
          const progress = format === 'text' ? new ProgressReporter(io.stdout, style) : undefined;
          // First signal: start nothing new, let what runs finish. Second: abort what runs
          // (a migration's job is aborted and the guest stays on its source; waits stop).
          const abort = new AbortController();
          const hard = new AbortController();
          const onSignal = (): void => {
            if (!abort.signal.aborted) {
              io.stderr.write(
                '\nvirtwarden apply: stopping after the actions in flight (again to abort them)\n',
              );
              abort.abort();
              return;
            }
            io.stderr.write(
              '\nvirtwarden apply: aborting the actions in flight, leaving things safe\n',
            );
            hard.abort();
          };
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);
          const report = await execute(
            plan.actions,
            executionDeps(desired, providers, planned.policy),
            {
              started: (a) => {
                journal.started(a);
                progress?.started(a);
              },
              progress: (a, m) => progress?.progress(a, m),
              retrying: (a, n, d, e) => progress?.retrying(a, n, d, e),
              finished: (a, r) => {
                journal.finished(a, r);
                histories.finished(a, r, Date.now());
                progress?.finished(a, r);
              },
            },
            {
              ...DEFAULT_EXECUTOR_OPTIONS,
              globalLimit,
              perHostLimit,
              signal: abort.signal,
              hardSignal: hard.signal,
            },
          ).finally(() => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            progress?.stop();
          });
          await journal.flush();
          const done = new Set(report.results.filter((r) => r.status === 'done').map((r) => r.id));
          await state.recordVolumeActions(plan.actions.filter((a) => done.has(a.id)));
          ok = succeeded(report);
          const c = countBy(report);
          const line = `Apply ${ok ? 'complete' : 'incomplete'}: ${c.done} done, ${c.skipped} already so, ${c.failed} failed, ${c.blocked} refused, ${c['not-run']} not run, in ${seconds(report.durationMs)}.`;
          text(
            '\n' +
              (ok ? style.green(line) : style.red(line)) +
              '\n' +
              style.dim(`Journal: ${journal.file}`) +
              '\n',
          );
          doc.results = report.results;
          doc.ok = ok;
        }
        const { targets: _all, ...untargeted } = planned.policy;
        const after = await observeAndPlan(desired, providers, state, untargeted, histories);
        await histories.save();
        const guests = guestStatuses(desired, after.observed, after.plan, {
          histories: histories.all(),
        });
        const services = serviceStatuses(desired, guests);
        text('\n' + renderStatusTable(guests, services, style));
        doc.status = statusDocument(guests, services);
        for (const u of after.unobserved) {
          io.stderr.write(
            `virtwarden apply: site '${u.site}' could not be observed: ${u.reason}\n`,
          );
        }
        await journal.flush();
        if (journal.failure !== undefined) {
          io.stderr.write(
            `virtwarden apply: ${journal.failure.message}: ${journal.failure.lost} journal line(s) were not written (the actions themselves ran)\n`,
          );
        }
        if (after.unobserved.length > 0 || journal.failure !== undefined) ok = false;
        if (format === 'json') {
          doc.ok = ok;
          io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
        }
        return ok ? 0 : 1;
      });
    } finally {
      await journal.flush();
      await lock.release();
    }
  },
};

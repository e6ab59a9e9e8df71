/**
 * A manifest edit under `watch`: load, validate, and — when the sites changed — open the new
 * providers *before* swapping anything. Any failure (a manifest error, an unset password
 * variable, an engine that cannot be reached to open) keeps the running manifests and
 * providers untouched; the failure is logged and shown on `/healthz` and `/readyz` until a
 * later edit loads cleanly. Reloads run one at a time, the newest edit last.
 */
import type { Logger } from 'pino';
import { errorMessage } from '../common/errors.js';
import type { Desired } from '../model/desired.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Provider } from '../providers/provider.js';
import type { Controller } from './controller.js';
import { changedGuests, sitesChanged } from '../reconcile/guest-keys.js';
import type { Health } from './health.js';

export interface ReloadDeps {
  readonly controller: Controller;
  readonly health: Health;
  readonly log: Logger;
  load(): Promise<{ desired?: Desired; diagnostics: readonly Diagnostic[] }>;
  openProviders(desired: Desired): Promise<Map<string, Provider>>;
  closeProviders(providers: ReadonlyMap<string, Provider>): Promise<void>;
  /** After a swap: the manifests' files to watch may have changed. */
  onSwapped?(desired: Desired): void;
}

export class ManifestReloader {
  private readonly deps: ReloadDeps;
  private chain: Promise<void> = Promise.resolve();

  constructor(deps: ReloadDeps) {
    this.deps = deps;
  }

  /** Queue a reload for an edit seen at `changedAt`; resolves when it is done (never rejects). */
  reload(changedAt: number): Promise<void> {
    this.chain = this.chain.then(() =>
      this.once(changedAt).catch((err: unknown) => {
        this.reject(`reloading the manifests failed: ${errorMessage(err)}`);
      }),
    );
    return this.chain;
  }

  private reject(problem: string, diagnostics?: readonly Diagnostic[]): void {
    this.deps.health.set('manifests', `${problem}; still running the previous manifests`);
    this.deps.log.error(
      diagnostics ? { diagnostics } : {},
      `${problem}: keeping the previous manifests and providers, nothing applied`,
    );
  }

  private async once(changedAt: number): Promise<void> {
    const { controller, log } = this.deps;
    const result = await this.deps.load();
    if (!result.desired) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      this.reject(`the manifests have ${errors.length} error(s)`, errors);
      return;
    }
    const before = controller.desired;
    const next = result.desired;
    if (sitesChanged(before, next)) {
      let providers: Map<string, Provider>;
      try {
        providers = await this.deps.openProviders(next);
      } catch (err) {
        this.reject(`the new sites cannot be opened: ${errorMessage(err)}`);
        return;
      }
      const old = controller.providers;
      await controller.replace(next, providers);
      await this.deps.closeProviders(old);
    } else {
      await controller.replace(next);
    }
    this.deps.health.set('manifests', undefined);
    this.deps.onSwapped?.(next);
    const changed = changedGuests(before, next);
    for (const g of changed) {
      controller.history.manifestEdited(g);
      controller.inputsChanged(g);
    }
    log.info({ changed }, `manifests reloaded: ${changed.length} guest(s) changed`);
    for (const g of changed) controller.enqueue(g, 'manifest', changedAt);
    if (changed.length === 0 || sitesChanged(before, next))
      controller.enqueueAll('manifest', changedAt);
  }
}

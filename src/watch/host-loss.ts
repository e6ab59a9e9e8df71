/**
 * Host loss: the host's guests become UNKNOWN and are started elsewhere only once fencing is
 * confirmed — its fence command succeeded (and, if configured, its status reports it off), or
 * an operator ran `virtwarden fence confirm HOST`. When the host comes back, its fencing
 * record is cleared and every guest it may hold is looked at again, so stale definitions and
 * any copy still running there are reconciled (a guest never runs on two hosts).
 */
import type { Logger } from 'pino';
import type { Desired, LibvirtHost } from '../model/desired.js';
import type { ProviderEvent } from '../providers/provider.js';
import { clearFenced, readFencing, recordFenced } from '../state/fencing.js';
import type { Controller } from './controller.js';
import { fenceHost } from './fencer.js';
import { guestsOfHost } from './guest-keys.js';

function findHost(desired: Desired, name: string): LibvirtHost | undefined {
  for (const site of desired.sites.values()) {
    if (site.provider.kind !== 'libvirt') continue;
    const h = site.provider.hosts.find((x) => x.name === name);
    if (h) return h;
  }
  return undefined;
}

export function attachHostLoss(controller: Controller, stateDir: string, log: Logger): void {
  const fencing = new Set<string>();
  const touch = (host: string, source: string, at?: number): void => {
    for (const g of guestsOfHost(controller.desired, host, controller.history.all()))
      controller.enqueue(g, source, at);
  };

  const fence = async (name: string, at: number): Promise<void> => {
    const host = findHost(controller.desired, name);
    if (!host || fencing.has(name) || controller.fencedHosts.has(name)) return;
    fencing.add(name);
    try {
      const outcome = await fenceHost(host, controller.stoppingSignal);
      if (!outcome.fenced) {
        log.warn({ host: name }, outcome.message);
        return;
      }
      await recordFenced(stateDir, {
        host: name,
        by: 'fence-command',
        confirmedAt: new Date().toISOString(),
        note: outcome.message,
      });
      controller.fencedHosts = new Set([...controller.fencedHosts, name]);
      log.warn({ host: name }, `${outcome.message}: its guests may now start elsewhere`);
      touch(name, 'host-loss', at);
    } finally {
      fencing.delete(name);
    }
  };

  controller.hostChanged = (e: ProviderEvent) => {
    const name = e.host;
    if (name === undefined) return;
    if (e.hostLost === true) {
      if (!controller.lostHosts.has(name))
        log.warn({ host: name, why: e.what }, `host ${name} lost`);
      controller.lostHosts.add(name);
      touch(name, 'host-loss', e.receivedAt);
      void fence(name, e.receivedAt);
    } else if (e.hostBack === true) {
      controller.lostHosts.delete(name);
      log.info({ host: name }, `host ${name} is back`);
      void clearFenced(stateDir, name).then(async () => {
        controller.fencedHosts = new Set((await readFencing(stateDir)).keys());
        touch(name, 'host-back');
      });
    }
  };
}

/**
 * Which manifest a guest's status reflects and when virtwarden last acted on it
 * (`observedHash`, `lastAppliedAt`, `lastAttemptAt`), as `status -o json` and `/status` show.
 */
import { describe, expect, it } from '@jest/globals';
import { guestStatuses } from '../../../src/reconcile/status.js';
import { afterActionDone, afterManifestEdit } from '../../../src/reconcile/history.js';
import { EMPTY_HISTORY } from '../../../src/model/history.js';
import type { Action } from '../../../src/model/plan.js';
import { UP3, desiredOf, guest, observedOf, running } from './builders.js';

const EMPTY = { actions: [], holds: [], diagnostics: [] };
const T = Date.parse('2026-12-02T08:00:00.000Z');

describe('status: which manifest, when applied, when attempted', () => {
  it('observedHash is the manifest the status was made from: it changes with an edit', () => {
    const g = guest('db1');
    const seen = observedOf({ primary: { hosts: UP3, guests: [running(g, 'kvm1')] } });
    const before = guestStatuses(desiredOf({ guests: [g] }), seen, EMPTY)[0]?.observedHash;
    const same = guestStatuses(desiredOf({ guests: [guest('db1')] }), seen, EMPTY)[0]?.observedHash;
    const edited = guest('db1', { hosts: ['kvm2', 'kvm1'] });
    const after = guestStatuses(desiredOf({ guests: [edited] }), seen, EMPTY)[0]?.observedHash;
    expect(before).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(same).toBe(before);
    expect(after).not.toBe(before);
  });

  it("watch's status names the manifest of its last attempt, and when that was", () => {
    const g = guest('db1');
    const [s] = guestStatuses(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: [running(g, 'kvm1')] } }),
      EMPTY,
      { attempts: new Map([['db1', { at: T, specHash: 'sha256:0000000000000000' }]]) },
    );
    expect(s).toMatchObject({
      observedHash: 'sha256:0000000000000000',
      lastAttemptAt: '2026-12-02T08:00:00.000Z',
    });
    expect(s?.lastAppliedAt).toBeUndefined();
  });

  it('lastAppliedAt comes from the durable history: set by a finished action, kept by an edit', () => {
    const start = { id: 'a1', kind: 'start', guest: 'db1', host: 'kvm1' } as unknown as Action;
    const applied = afterActionDone(EMPTY_HISTORY, start, T);
    expect(applied.lastAppliedAt).toBe(T);
    expect(afterManifestEdit(applied).lastAppliedAt).toBe(T);
    const g = guest('db1');
    const [s] = guestStatuses(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: [running(g, 'kvm1')] } }),
      EMPTY,
      { histories: new Map([['db1', applied]]) },
    );
    expect(s?.lastAppliedAt).toBe('2026-12-02T08:00:00.000Z');
    expect(s?.lastAttemptAt).toBeUndefined();
  });
});

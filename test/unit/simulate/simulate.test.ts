/**
 * `simulate`'s stepping, table-driven and without I/O: a fleet (manifests + observation) and a
 * scenario → the steps watch would take and where every guest ends. The steps come from the
 * real planner (`diff` with its failure ladder), history transitions and host-loss decisions,
 * so these tables are also what watch does.
 */
import { describe, expect, it } from '@jest/globals';
import type { Desired } from '../../../src/model/desired.js';
import type { Observed } from '../../../src/model/observed.js';
import { runScenario, settle } from '../../../src/simulate/run.js';
import { parseScenario } from '../../../src/simulate/scenario.js';
import {
  compact,
  desiredOf,
  drPlan,
  fencedSite,
  fleetOf,
  guest,
  libvirtSite,
  observedOf,
  running,
  shutoff,
} from './fleet.js';

const db1 = guest('db1', { hosts: ['kvm1', 'kvm2'] });
const web1 = guest('web1', { hosts: ['kvm2', 'kvm3'] });
const solo = guest('solo', { hosts: ['kvm1'] });
const HOSTS = ['kvm1', 'kvm2', 'kvm3'];
const converged = observedOf({
  primary: {
    hosts: { kvm1: 'up', kvm2: 'up', kvm3: 'up' },
    guests: [
      running(db1, 'kvm1'),
      shutoff(db1, 'kvm2'),
      running(web1, 'kvm2'),
      shutoff(web1, 'kvm3'),
      running(solo, 'kvm1'),
    ],
  },
});
const withFence = desiredOf({ sites: [fencedSite('primary', HOSTS)], guests: [db1, web1, solo] });
const noFence = desiredOf({ sites: [libvirtSite('primary', HOSTS)], guests: [db1, web1, solo] });

function simulate(desired: Desired, observed: Observed, text: string) {
  const [scenario] = parseScenario(desired, text);
  if (!scenario) throw new Error('no scenario');
  return runScenario(settle(fleetOf(desired, observed)), scenario);
}

const ends = (r: ReturnType<typeof simulate>): string[] =>
  r.guests.map((g) => `${g.guest} ${g.end}${g.host !== undefined ? ` ${g.host}` : ''}`);

describe('simulate: what watch would do', () => {
  it.each([
    [
      'a host dies, with a fence command: fenced after the grace, its guests fail over; one with no other host is unplaced',
      withFence,
      'host-dies kvm1',
      [
        '0 event host-dies kvm1',
        '0 hold db1 waiting-for-fencing',
        '0 hold solo waiting-for-fencing',
        '15 lost kvm1',
        '15 fence kvm1',
        '15 hold solo no-healthy-host',
        '15 start guest/db1@kvm2 host-lost',
      ],
      ['db1 running kvm2', 'solo unplaced', 'web1 running kvm2'],
    ],
    [
      'a host dies without a fence command: its guests wait for an operator',
      noFence,
      'host-dies kvm1',
      [
        '0 event host-dies kvm1',
        '0 hold db1 waiting-for-fencing',
        '0 hold solo waiting-for-fencing',
        '15 lost kvm1',
        '15 fence kvm1',
      ],
      ['db1 waiting-for-fencing', 'solo waiting-for-fencing', 'web1 running kvm2'],
    ],
    [
      'a host dies without a fence command, and an operator confirms',
      noFence,
      'host-dies kvm1 fence=confirm',
      [
        '0 event host-dies kvm1 fence=confirm',
        '0 hold db1 waiting-for-fencing',
        '0 hold solo waiting-for-fencing',
        '15 lost kvm1',
        '15 fence kvm1',
        '15 fence kvm1',
        '15 hold solo no-healthy-host',
        '15 start guest/db1@kvm2 host-lost',
      ],
      ['db1 running kvm2', 'solo unplaced', 'web1 running kvm2'],
    ],
    [
      'a host dies and its fence command fails: nothing starts elsewhere',
      withFence,
      'host-dies kvm1 fence=fails',
      [
        '0 event host-dies kvm1 fence=fails',
        '0 hold db1 waiting-for-fencing',
        '0 hold solo waiting-for-fencing',
        '15 lost kvm1',
        '15 fence kvm1',
      ],
      ['db1 waiting-for-fencing', 'solo waiting-for-fencing', 'web1 running kvm2'],
    ],
    [
      'a guest crashes 3 times: two restarts (the second after the crash-loop backoff), then a failover',
      withFence,
      'guest-crashes db1 3',
      [
        '0 event guest-crashes db1 3',
        '0 crash db1@kvm1',
        '0 start guest/db1@kvm1 crashed',
        '1 crash db1@kvm1',
        '1 hold db1 crash-loop-backoff',
        '5 start guest/db1@kvm1 crashed',
        '6 crash db1@kvm1',
        '6 start guest/db1@kvm2 failover',
      ],
      ['db1 running kvm2', 'solo running kvm1', 'web1 running kvm2'],
    ],
    [
      'a guest crashes 4 times: it fails again after its failover and ends FAULTED',
      withFence,
      'guest-crashes db1 4',
      [
        '0 event guest-crashes db1 4',
        '0 crash db1@kvm1',
        '0 start guest/db1@kvm1 crashed',
        '1 crash db1@kvm1',
        '1 hold db1 crash-loop-backoff',
        '5 start guest/db1@kvm1 crashed',
        '6 crash db1@kvm1',
        '6 start guest/db1@kvm2 failover',
        '7 crash db1@kvm2',
        '7 hold db1 faulted',
      ],
      ['db1 faulted', 'solo running kvm1', 'web1 running kvm2'],
    ],
    [
      'a host is drained: its guests live-migrate away; one with no other host stays and says so',
      withFence,
      'host-drained kvm1',
      [
        '0 event host-drained kvm1',
        '0 hold solo no-healthy-host',
        '0 migrate guest/db1@kvm1 → kvm2 drain',
        '1 define guest/db1@kvm1 not-defined',
      ],
      ['db1 running kvm2', 'solo running kvm1', 'web1 running kvm2'],
    ],
    [
      'a site is lost: every host fenced, nothing can be placed',
      withFence,
      'site-lost primary',
      [
        '0 event site-lost primary',
        '0 hold db1 waiting-for-fencing',
        '0 hold solo waiting-for-fencing',
        '0 hold web1 waiting-for-fencing',
        '15 lost kvm1',
        '15 fence kvm1',
        '15 lost kvm2',
        '15 fence kvm2',
        '15 lost kvm3',
        '15 fence kvm3',
        '15 hold db1 no-healthy-host',
        '15 hold solo no-healthy-host',
        '15 hold web1 no-healthy-host',
      ],
      ['db1 unplaced', 'solo unplaced', 'web1 unplaced'],
    ],
  ])('%s', (_what, desired, text, steps, end) => {
    const r = simulate(desired, converged, text);
    expect(r.steps.map(compact)).toEqual(steps);
    expect(ends(r)).toEqual(end);
    expect(r.settled).toBe(true);
  });

  it('fence=none: a host that has a fence command is simulated as if it had none', () => {
    expect(ends(simulate(withFence, converged, 'host-dies kvm1 fence=none'))).toEqual([
      'db1 waiting-for-fencing',
      'solo waiting-for-fencing',
      'web1 running kvm2',
    ]);
  });

  it('counts what happened: restarts, failovers, FAULTED, waiting for fencing, unplaced', () => {
    expect(simulate(withFence, converged, 'guest-crashes db1 4').summary).toEqual({
      restarts: 2,
      failovers: 1,
      migrations: 0,
      running: 2,
      faulted: 1,
      waitingForFencing: 0,
      unplaced: 0,
    });
    expect(simulate(noFence, converged, 'host-dies kvm1').summary).toMatchObject({
      waitingForFencing: 2,
      unplaced: 0,
    });
    expect(simulate(withFence, converged, 'host-dies kvm1').summary).toMatchObject({
      failovers: 1,
      unplaced: 1,
    });
  });

  it('what watch does first to a fleet that is not converged comes before the scenario', () => {
    const notYet = observedOf({
      primary: { hosts: { kvm1: 'up', kvm2: 'up', kvm3: 'up' }, guests: [running(db1, 'kvm1')] },
    });
    const base = settle(
      fleetOf(desiredOf({ sites: [fencedSite('primary', HOSTS)], guests: [db1] }), notYet),
    );
    expect(base.steps.map(compact)).toEqual(['0 define guest/db1@kvm2 not-defined']);
    expect(base.steps.every((s) => s.phase === 'before')).toBe(true);
  });
});

describe('simulate: activeSite flips (DR)', () => {
  const dg = guest('db1', { hosts: ['kvm1', 'kvm2', 'dr1', 'dr2'] });
  const sites = [fencedSite('primary', ['kvm1', 'kvm2']), fencedSite('secondary', ['dr1', 'dr2'])];
  const observed = observedOf({
    primary: {
      hosts: { kvm1: 'up', kvm2: 'up' },
      guests: [running(dg, 'kvm1'), shutoff(dg, 'kvm2')],
    },
    secondary: {
      hosts: { dr1: 'up', dr2: 'up' },
      guests: [shutoff(dg, 'dr1'), shutoff(dg, 'dr2')],
    },
  });
  const desired = desiredOf({ sites, guests: [dg], dr: drPlan('primary', ['db1']) });

  it.each([
    [
      'a flip stops the guest at the old site and starts it at the new one',
      'active-site secondary',
      [
        '0 event active-site secondary',
        '0 stop guest/db1@kvm1 host-not-allowed',
        '0 start guest/db1@dr1 host-not-allowed',
      ],
      ['db1 running dr1'],
    ],
    [
      'the primary site is lost, then the DR plan flips: the guest comes up at the DR site',
      'site-lost primary; active-site secondary',
      [
        '0 event site-lost primary',
        '0 hold db1 waiting-for-fencing',
        '15 lost kvm1',
        '15 fence kvm1',
        '15 lost kvm2',
        '15 fence kvm2',
        '15 hold db1 no-healthy-host',
        '15 event active-site secondary',
        '15 start guest/db1@dr1 host-lost',
      ],
      ['db1 running dr1'],
    ],
  ])('%s', (_what, text, steps, end) => {
    const r = simulate(desired, observed, text);
    expect(r.steps.map(compact)).toEqual(steps);
    expect(ends(r)).toEqual(end);
  });

  it('a DR plan with replication groups: refused, since diff plans no promote/demote yet', () => {
    const replicated = desiredOf({ sites, guests: [dg], dr: drPlan('primary', ['db1'], true) });
    expect(() => parseScenario(replicated, 'active-site secondary')).toThrow(
      'DisasterRecovery/finance has replication groups (lun-group): the planner does not plan their promote/demote yet, so simulate cannot show what a flip does; not simulated',
    );
  });
});

describe('scenario text', () => {
  it.each([
    ['host-dies kvm9', "no libvirt host 'kvm9' in the manifests (hosts: kvm1, kvm2, kvm3"],
    ['host-dies kvm1 fence=maybe', 'fence=maybe: use one of auto, fails, confirm, none'],
    ['guest-crashes db9', "no guest 'db9' in the manifests"],
    ['guest-crashes db1 0', 'guest-crashes db1 TIMES: a whole number from 1 to 100'],
    ['site-lost mars', "no site 'mars' in the manifests (sites: primary)"],
    ['active-site primary', "no DisasterRecovery plan has site 'primary'"],
    ['explode kvm1', 'unknown event'],
    ['host-drained kvm1; host-dies kvm7', "'host-dies kvm7': no libvirt host 'kvm7'"],
  ])('%s is refused clearly', (text, message) => {
    expect(() => parseScenario(withFence, text)).toThrow(message);
  });

  it('each-host-dies is one scenario per host', () => {
    expect(parseScenario(withFence, 'each-host-dies fence=fails').map((s) => s.name)).toEqual([
      'host-dies kvm1 fence=fails',
      'host-dies kvm2 fence=fails',
      'host-dies kvm3 fence=fails',
    ]);
  });
});

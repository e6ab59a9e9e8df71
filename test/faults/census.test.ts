/**
 * The checker's census on real lab hosts: while it is polled hard (as the checker polls it,
 * only faster, to meet libvirt mid-fork and mid-exec), it must see every guest where it
 * really runs — after live migrations back and forth, through a stopped libvirtd (guests keep
 * running), and not after a kill -9. A census that misses a copy would hide a guest running
 * twice. (An earlier census remembered a QEMU read mid-exec as "not a QEMU" and lost 5 of 36
 * migrated guests here.)
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../lab/index.js';
import { Census } from './census.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ hosts: 2, name: 'census' });
}, 60_000);
afterAll(async () => {
  await lab.destroy();
});

const GUESTS = ['c1', 'c2', 'c3'];

it('sees every guest where it runs, through migrations, a stopped libvirtd and a kill -9', async () => {
  const [h1, h2] = [lab.host('h1'), lab.host('h2')];
  const census = new Census(lab.hosts);
  const poll = setInterval(() => census.copies(), 5);
  const sweep = setInterval(() => census.sweep(), 50);
  const wrong: string[] = [];
  const check = (when: string): void => {
    const seen = census.copies();
    const swept = census.sweep();
    for (const g of GUESTS) {
      const truth = lab.hosts.filter((h) => h.qemuPid(g) !== undefined).map((h) => h.name);
      const got = seen.filter((c) => c.guest === g).map((c) => c.host);
      const gotSwept = swept.filter((c) => c.guest === g).map((c) => c.host);
      if (got.join() !== truth.join() || gotSwept.join() !== truth.join())
        wrong.push(
          `${when}: ${g} runs on [${truth.join()}], census [${got.join()}], sweep [${gotSwept.join()}]`,
        );
    }
  };
  try {
    for (const g of GUESTS) {
      await h1.defineXml(lab.guestXml(g));
      await h1.virsh(['start', g]);
    }
    for (let i = 0; i < 8; i++) {
      const [from, to] = i % 2 === 0 ? [h1, h2] : [h2, h1];
      await Promise.all(
        GUESTS.map((g) =>
          from.virsh([
            'migrate',
            '--live',
            '--p2p',
            '--tunnelled',
            '--persistent',
            '--undefinesource',
            g,
            to.qemuUri,
          ]),
        ),
      );
      await new Promise((r) => setTimeout(r, 300));
      check(`after migration ${String(i + 1)} to ${to.name}`);
      expect(census.copies().filter((c) => c.host === to.name && c.incoming)).toHaveLength(3);
    }
    await h1.stop();
    check('libvirtd of h1 stopped');
    await h1.restart();
    const victim = h1.qemuPid('c1');
    if (victim !== undefined) process.kill(victim, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    check('c1 killed');
    expect(census.copies().filter((c) => c.guest === 'c1')).toEqual([]);
  } finally {
    clearInterval(poll);
    clearInterval(sweep);
  }
  expect(wrong).toEqual([]);
}, 180_000);

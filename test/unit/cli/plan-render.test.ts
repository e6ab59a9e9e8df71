/** The plan as people read it: a hand edit shows as a readable diff of the changed elements. */
import { describe, expect, it } from '@jest/globals';
import { renderPlanHuman } from '../../../src/cli/render/plan-human.js';
import { styleFor } from '../../../src/cli/style.js';

const plain = styleFor({ isTTY: false, write: () => true }, { env: {} });

describe('renderPlanHuman', () => {
  it('shows a definition changed by hand element by element: - now, + manifest', () => {
    const text = renderPlanHuman(
      {
        actions: [
          {
            id: 'define:db1@kvm1',
            kind: 'define',
            guest: 'db1',
            address: 'guest/db1@kvm1',
            site: 'primary',
            host: 'kvm1',
            reason: 'definition-drift',
            why: 'definition on kvm1 was changed by hand (memory): restored from guests/db1.xml',
            before: 'defined (edited by hand)',
            after: 'defined',
            dependsOn: [],
            drift: [
              { path: '/domain/memory', applied: '32768 KiB', now: '65536 KiB' },
              { path: '/domain/devices/watchdog', now: "<watchdog model='i6300esb'/>" },
            ],
          },
        ],
        holds: [],
        diagnostics: [],
      },
      plain,
    );
    expect(text).toContain(
      [
        '      ~ /domain/memory',
        '          - 65536 KiB   (edited by hand)',
        '          + 32768 KiB   (manifest)',
        '      ~ /domain/devices/watchdog',
        "          - <watchdog model='i6300esb'/>   (edited by hand)",
        '          + (absent)   (manifest)',
      ].join('\n'),
    );
  });
});

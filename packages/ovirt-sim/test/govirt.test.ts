import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { OvirtSim } from '../src/index.js';
import { ADMIN, startTestSim } from './helpers.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./govirt_check.py', import.meta.url));

interface Step {
  step: string;
  ok: boolean;
  result?: unknown;
  error?: { message: string };
}

let sim: OvirtSim;
let report: { ok: boolean; steps: Step[] };
let stderr = '';

beforeAll(async () => {
  // HTTPS with the simulator's own CA, as a real client would connect.
  sim = await startTestSim({ tls: true, timing: { stepMs: 150, commandMs: 0 } });
  const args = [
    SCRIPT,
    '--address',
    `127.0.0.1:${sim.port}`,
    '--ca-file',
    sim.caFile ?? '',
    '--user',
    ADMIN.name,
    '--password',
    ADMIN.password,
    '--start-vm',
    'finance-app',
    '--stop-vm',
    'finance-web',
    '--running-vm',
    'finance-db',
  ];
  // The system interpreter: pyenv's python3 cannot import gi (ovirt-api.md §6).
  const out = await run('/usr/bin/python3', args, { timeout: 60_000 }).catch(
    (err: unknown) => err as { stdout: string; stderr: string },
  );
  stderr = out.stderr;
  report = JSON.parse(out.stdout) as typeof report;
}, 90_000);

afterAll(async () => {
  await sim.stop();
});

function step(name: string): Step {
  const found = report.steps.find((s) => s.step === name);
  if (found === undefined) throw new Error(`libgovirt check has no step ${name}`);
  return found;
}

describe('libgovirt (GNOME GoVirt 0.3.9) against the simulator over HTTPS', () => {
  it('completes every step without parse failures or critical warnings', () => {
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(stderr).not.toMatch(/Failed to parse/);
    expect(stderr).not.toMatch(/CRITICAL/);
  });

  it('parses every VM of the simulator (none dropped for a missing display), with status and display', () => {
    const vms = step('list_vms').result as Record<
      string,
      { state: string; display: string; host_id: string | null }
    >;
    expect(Object.keys(vms).sort()).toEqual([...sim.state.vms.values()].map((v) => v.name).sort());
    expect(vms['finance-db']).toMatchObject({
      display: 'spice',
      host_id: sim.state.hostByName('prim-host-1')?.id,
    });
    expect(vms['license-server']?.display).toBe('vnc');
  });

  it('searches through the vms/search link', () => {
    expect(step('search_exact').result).toEqual(['finance-app']);
    expect(step('search_wildcard').result).toEqual(['finance-app', 'finance-db', 'finance-web']);
    expect(step('search_status_up').result).toEqual([
      'finance-db',
      'finance-web',
      'license-server',
    ]);
  });

  it('starts and stops VMs, seeing the timed transitions through refresh', () => {
    const started = step('start_vm').result as string[];
    expect(started.at(-1)).toBe('up');
    expect(started).toContain('wait_for_launch');
    expect(step('stop_vm').result).toEqual(expect.arrayContaining(['down']));
    expect(sim.state.vmByName('finance-app')?.status).toBe('up');
    expect(sim.state.vmByName('finance-web')?.status).toBe('down');
  });

  it("surfaces the engine's fault as a GLib error with the engine's text", () => {
    expect(step('fault_start_running_vm').result).toMatchObject({
      message: 'Operation Failed: [Cannot run VM because the VM is in Up status.]',
    });
  });

  it('reads hosts, clusters, data centers and storage domains', () => {
    expect(step('list_hosts').result).toEqual([
      'prim-host-1',
      'prim-host-2',
      'sec-host-1',
      'sec-host-2',
    ]);
    expect(step('list_clusters').result).toEqual(['RHEV-PRIM-CLUS', 'RHEV-SEC-CLUS']);
    expect(step('list_data_centers').result).toEqual(['RHEV-DC']);
    expect(step('list_storage_domains').result).toEqual({
      iso: { type: 'iso', state: 'active', master: false },
      'rhev-data': { type: 'data', state: 'active', master: true },
    });
  });

  it('logged in through the Basic challenge and kept a session cookie', () => {
    const requests = sim.requests.list();
    expect(requests[0]?.status).toBe(401);
    expect(requests.filter((r) => r.status === 401)).toHaveLength(1);
  });
});

/**
 * Where every guest's QEMU runs, read straight from the machine, never through libvirt (so a
 * frozen or stopped libvirtd cannot hide a copy): each host's pid files (`<dir>/run/qemu/*.pid`,
 * libvirt writes one per QEMU it launches, incoming migrations included) checked against
 * /proc. Cheap enough to run every 100 ms: one readdir per host and a few small reads per
 * guest; a process's command line is read once per (pid, start time).
 *
 * A slower sweep of the whole process table (`sweepCopies`) catches a QEMU of this lab that no
 * pid file names, and attributes it to a host by its ancestry (every lab process descends from
 * its host's reaper, whose command line ends with the host folder).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface QemuCopy {
  readonly guest: string;
  readonly host: string;
  readonly pid: number;
  /** Start time in clock ticks since boot (orders copies; tells a reused pid apart). */
  readonly startTicks: number;
  /** Started with `-incoming`: the destination end of a migration (or a guest migrated in). */
  readonly incoming: boolean;
}

export interface CensusHost {
  readonly name: string;
  readonly dir: string;
}

interface Stat {
  readonly state: string;
  readonly ppid: number;
  readonly startTicks: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const ppid = Number(fields[1]);
  const start = Number(fields[19]);
  if (state === undefined || !Number.isFinite(start)) return undefined;
  return { state, ppid, startTicks: start };
}

function isLive(stat: Stat | undefined): stat is Stat {
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

function readArgv(pid: number): string[] {
  try {
    return readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8')
      .split('\0')
      .filter((a) => a !== '');
  } catch {
    return [];
  }
}

interface QemuIdentity {
  /** The guest a QEMU runs (`-name guest=…`); undefined for any other process. */
  readonly guest: string | undefined;
  readonly incoming: boolean;
}

/** Reads the process table for one lab (identified by its folder). */
export class Census {
  readonly #hosts: readonly CensusHost[];
  /** `${pid}:${startTicks}` → what its command line says (it never changes after exec). */
  readonly #identities = new Map<string, QemuIdentity>();
  /** Pid file → the pid it held when last read. */
  readonly #pidFiles = new Map<string, number>();

  constructor(hosts: readonly CensusHost[]) {
    this.#hosts = hosts;
  }

  /**
   * What a process's command line says. A QEMU is remembered for good (its command line never
   * changes after exec). Anything else only for the sweep (`trustOther`), and never when read
   * mid-fork or mid-exec: libvirt's child before exec has libvirtd's command line, and one read
   * during execve can come back empty, both with the QEMU's own pid and start time. (The pid
   * files name QEMUs, so their census never trusts a "not a QEMU".)
   */
  #identify(pid: number, stat: Stat, trustOther: boolean): QemuIdentity {
    const key = `${String(pid)}:${String(stat.startTicks)}`;
    const known = this.#identities.get(key);
    if (known !== undefined && (known.guest !== undefined || trustOther)) return known;
    const argv = readArgv(pid);
    const isQemu = path.basename(argv[0] ?? '').startsWith('qemu-system');
    const nameArg = argv[argv.indexOf('-name') + 1] ?? '';
    const guest = /(?:^|,)guest=([^,]+)/.exec(nameArg)?.[1];
    const id: QemuIdentity = {
      guest: isQemu ? guest : undefined,
      incoming: argv.includes('-incoming'),
    };
    if (this.#identities.size > 20_000) this.#identities.clear();
    const settled = argv.length > 0 && path.basename(argv[0] ?? '') !== 'libvirtd';
    if (id.guest !== undefined || settled) this.#identities.set(key, id);
    return id;
  }

  /** Every live QEMU named by a pid file of one of the hosts. */
  copies(): QemuCopy[] {
    const out: QemuCopy[] = [];
    for (const host of this.#hosts) {
      const dir = path.join(host.dir, 'run', 'qemu');
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch {
        continue; // a rebooted host's /run starts empty
      }
      for (const entry of entries) {
        // driver.pid is libvirtd's own.
        if (!entry.endsWith('.pid') || entry === 'driver.pid') continue;
        const named = entry.slice(0, -'.pid'.length);
        const file = path.join(dir, entry);
        // A pid file is read again only once the process it named is gone.
        let pid = this.#pidFiles.get(file);
        if (pid === undefined || !isLive(readStat(pid))) {
          try {
            pid = Number(readFileSync(file, 'utf8').trim());
          } catch {
            continue;
          }
          this.#pidFiles.set(file, pid);
        }
        if (!Number.isInteger(pid) || pid <= 1) continue;
        const stat = readStat(pid);
        if (stat === undefined || !isLive(stat)) continue;
        const id = this.#identify(pid, stat, false);
        // The pid file is this host's own: only a reused pid (or one read mid-write) could
        // name another process; read the file again next time.
        if (id.guest !== named) {
          this.#pidFiles.delete(file);
          continue;
        }
        out.push({
          guest: named,
          host: host.name,
          pid,
          startTicks: stat.startTicks,
          incoming: id.incoming,
        });
      }
    }
    return out;
  }

  /**
   * Every live QEMU of this lab in the whole process table, with the host it descends from
   * (QEMU's command line does not name the lab: libvirt passes the serial log as a file
   * descriptor; other labs' QEMUs descend from other reapers).
   */
  sweep(): QemuCopy[] {
    const stats = new Map<number, Stat>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readStat(Number(entry));
      if (stat !== undefined) stats.set(Number(entry), stat);
    }
    const hostOf = (pid: number): string | undefined => {
      for (let p = pid, hops = 0; p > 1 && hops < 16; hops++) {
        const argv = readArgv(p);
        const last = argv.at(-1) ?? '';
        const host = this.#hosts.find((h) => last === h.dir);
        if (host !== undefined) return host.name;
        const next = stats.get(p)?.ppid;
        if (next === undefined) return undefined;
        p = next;
      }
      return undefined;
    };
    const out: QemuCopy[] = [];
    for (const [pid, stat] of stats) {
      if (stat.state === 'Z' || stat.state === 'X') continue;
      const id = this.#identify(pid, stat, true);
      if (id.guest === undefined) continue;
      const host = hostOf(stat.ppid);
      if (host === undefined) continue;
      out.push({
        guest: id.guest,
        host,
        pid,
        startTicks: stat.startTicks,
        incoming: id.incoming,
      });
    }
    return out;
  }
}

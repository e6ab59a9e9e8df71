/**
 * The power desk: how a fence command really powers a lab host off. The manifests' fence
 * command is a small shell script that drops a request file into the desk's folder and waits
 * for the reply; the test process (which owns the lab) polls the folder, powers the host off
 * through the board (`crash()`), and replies `off`. The status command reads a power file the
 * desk keeps from the board's state: it prints `off` only while the host really is off.
 *
 * Every call is recorded with what the host was really doing at that moment, for the checker.
 * A host the desk powered off is powered on again after a delay drawn from the round's PRNG
 * (derived stream, so the nemesis's own sequence is not disturbed), as a technician would.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FenceScripts } from './fleet.js';
import { BOUNDS } from './bounds.js';
import type { Episode, HostBoard, HostState } from './host-board.js';
import { Prng } from './prng.js';
import { TaskSet } from './tasks.js';

export interface FenceCall {
  readonly at: number;
  readonly host: string;
  /** The host's real state when the fence command ran. */
  readonly state: HostState;
  /** The episode in progress then (or the last one, if the host was up). */
  readonly episode: Episode | undefined;
  /** When the outage the episode belongs to began (earlier episodes with short gaps included). */
  readonly outageFrom?: number;
  outcome?: string;
}

const SCRIPT = `#!/bin/sh
# fence.sh off|status HOST DESK: the lab's stand-in for a power switch (see power-desk.ts).
verb=$1 host=$2 desk=$3
case "$verb" in
  off)
    id="$host.$$.$(date +%s%N)"
    : > "$desk/requests/.$id" && mv "$desk/requests/.$id" "$desk/requests/$id"
    i=0
    while [ ! -e "$desk/replies/$id" ]; do
      i=$((i + 1))
      if [ "$i" -gt 500 ]; then echo "the power desk did not answer" >&2; exit 1; fi
      sleep 0.05
    done
    reply=$(cat "$desk/replies/$id")
    echo "$reply"
    [ "$reply" = off ]
    ;;
  status)
    echo "power is $(cat "$desk/power/$host" 2>/dev/null || echo unknown)"
    ;;
  *) echo "usage: fence.sh off|status HOST DESK" >&2; exit 2 ;;
esac
`;

export class PowerDesk implements FenceScripts {
  readonly dir: string;
  readonly calls: FenceCall[] = [];
  readonly #board: HostBoard;
  readonly #script: string;
  readonly #prng: Prng;
  readonly #powerOnAfterS: readonly [number, number];
  #timer: NodeJS.Timeout | undefined;
  readonly #pendingOn = new Map<string, NodeJS.Timeout>();
  /** Called after each fence call has been answered. */
  onCall: (call: FenceCall) => void = () => undefined;
  /** Fences being answered and power-ons; their errors are the desk's own (reported). */
  readonly tasks = new TaskSet();

  constructor(
    dir: string,
    board: HostBoard,
    seed: number,
    powerOnAfterS: readonly [number, number] = [5, 20],
  ) {
    this.dir = dir;
    this.#board = board;
    this.#prng = Prng.derive(seed, 'power-desk');
    this.#powerOnAfterS = powerOnAfterS;
    for (const sub of ['requests', 'replies', 'power'])
      mkdirSync(path.join(dir, sub), { recursive: true });
    this.#script = path.join(dir, 'fence.sh');
    writeFileSync(this.#script, SCRIPT, { mode: 0o755 });
    for (const h of board.hostNames) this.#writePower(h, board.state(h));
    board.onChange = (host, state) => {
      this.#writePower(host, state);
    };
  }

  off(host: string): readonly string[] {
    return ['/bin/sh', this.#script, 'off', host, this.dir];
  }

  status(host: string): readonly string[] {
    return ['/bin/sh', this.#script, 'status', host, this.dir];
  }

  #writePower(host: string, state: HostState): void {
    const file = path.join(this.dir, 'power', host);
    writeFileSync(`${file}.tmp`, state === 'off' ? 'off\n' : 'on\n');
    renameSync(`${file}.tmp`, file);
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#poll();
    }, 50);
  }

  #poll(): void {
    let names: string[];
    try {
      names = readdirSync(path.join(this.dir, 'requests')).filter((n) => !n.startsWith('.'));
    } catch (err) {
      this.tasks.errors.push(`cannot read fence requests: ${String(err)}`);
      return;
    }
    for (const id of names) {
      rmSync(path.join(this.dir, 'requests', id), { force: true });
      const host = id.split('.')[0] ?? '';
      this.tasks.run(`fence of ${host}`, this.#answer(id, host));
    }
  }

  async #answer(id: string, host: string): Promise<void> {
    const reply = (text: string): void => {
      const file = path.join(this.dir, 'replies', id);
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
    };
    if (!this.#board.hostNames.includes(host)) {
      reply(`unknown host ${host}`);
      return;
    }
    const state = this.#board.state(host);
    const episode = this.#board.current(host) ?? this.#board.episodes(host).at(-1);
    const call: FenceCall = {
      at: Date.now(),
      host,
      state,
      episode,
      ...(episode === undefined
        ? {}
        : { outageFrom: this.#board.outageFrom(host, episode, BOUNDS.unseenUpMs) }),
    };
    this.calls.push(call);
    const poweredOff = await this.#board.powerOff(host, 'fence');
    call.outcome = poweredOff ? `powered off (was ${state})` : 'already off';
    reply('off');
    this.onCall(call);
    if (poweredOff) this.#schedulePowerOn(host);
  }

  #schedulePowerOn(host: string): void {
    const [lo, hi] = this.#powerOnAfterS;
    const delayMs = this.#prng.uniform(lo, hi) * 1000;
    const wipeRun = this.#prng.chance(0.5);
    clearTimeout(this.#pendingOn.get(host));
    this.#pendingOn.set(
      host,
      setTimeout(() => {
        this.#pendingOn.delete(host);
        this.tasks.run(
          `power-on of ${host}`,
          this.#board.powerOn(host, { wipeRun, onlyIfOffBy: 'fence' }),
        );
      }, delayMs),
    );
  }

  /** Power on at once every host the desk powered off (the end of a trial's faults). */
  async powerOnAll(): Promise<void> {
    for (const [host, t] of this.#pendingOn) {
      clearTimeout(t);
      this.#pendingOn.delete(host);
    }
    await this.tasks.drain();
    for (const host of this.#board.hostNames) {
      await this.#board.powerOn(host, { onlyIfOffBy: 'fence' });
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    for (const t of this.#pendingOn.values()) clearTimeout(t);
    this.#pendingOn.clear();
    await this.tasks.drain();
  }
}

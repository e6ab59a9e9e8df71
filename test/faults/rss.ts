/**
 * watch's resident memory over a round, sampled every 5 s per incarnation (the nemesis kills
 * and restarts watch, so "start and end" is reported for the first and last process and for
 * the longest-lived one, where a leak would show).
 */
import { rssKiB, type WatchRunner } from './watch-runner.js';

interface Track {
  readonly pid: number;
  readonly firstAt: number;
  readonly firstKiB: number;
  lastAt: number;
  lastKiB: number;
}

export interface RssReport {
  readonly samples: number;
  readonly startKiB?: number;
  readonly endKiB?: number;
  readonly maxKiB?: number;
  readonly longest?: {
    readonly pid: number;
    readonly minutes: number;
    readonly startKiB: number;
    readonly endKiB: number;
  };
}

export class RssSampler {
  readonly #watch: WatchRunner;
  readonly #tracks = new Map<number, Track>();
  #timer: NodeJS.Timeout | undefined;
  #samples = 0;
  #max = 0;

  constructor(watch: WatchRunner) {
    this.#watch = watch;
  }

  start(): void {
    this.sample();
    this.#timer = setInterval(() => {
      this.sample();
    }, 5000);
  }

  stop(): void {
    this.sample();
    clearInterval(this.#timer);
  }

  sample(): void {
    const pid = this.#watch.pid;
    if (pid === undefined) return;
    const kib = rssKiB(pid);
    if (kib === undefined) return;
    this.#samples++;
    this.#max = Math.max(this.#max, kib);
    const now = Date.now();
    const t = this.#tracks.get(pid);
    if (t === undefined)
      this.#tracks.set(pid, { pid, firstAt: now, firstKiB: kib, lastAt: now, lastKiB: kib });
    else {
      t.lastAt = now;
      t.lastKiB = kib;
    }
  }

  report(): RssReport {
    const tracks = [...this.#tracks.values()];
    const first = tracks[0];
    const last = tracks.at(-1);
    const longest = tracks.reduce<Track | undefined>(
      (a, t) => (a === undefined || t.lastAt - t.firstAt > a.lastAt - a.firstAt ? t : a),
      undefined,
    );
    return {
      samples: this.#samples,
      ...(first ? { startKiB: first.firstKiB } : {}),
      ...(last ? { endKiB: last.lastKiB } : {}),
      ...(this.#max > 0 ? { maxKiB: this.#max } : {}),
      ...(longest
        ? {
            longest: {
              pid: longest.pid,
              minutes: (longest.lastAt - longest.firstAt) / 60_000,
              startKiB: longest.firstKiB,
              endKiB: longest.lastKiB,
            },
          }
        : {}),
    };
  }
}

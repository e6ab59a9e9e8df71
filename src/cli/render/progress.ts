/**
 * Progress while a plan runs. Every action gets one line when it ends, with its elapsed time;
 * on a terminal, the actions in flight are also shown live below those lines (redrawn ten
 * times a second, with each action's own progress note such as "waiting for shutdown").
 */
import type { Action } from '../../model/plan.js';
import type { ExecutionObserver } from '../../reconcile/executor.js';
import type { ActionResult } from '../../reconcile/execution-report.js';
import { errorMessage } from '../../common/errors.js';
import type { OutStream } from '../io.js';
import { actionTarget } from './plan-human.js';
import { seconds, type Style } from '../style.js';

const MARK: Record<ActionResult['status'], string> = {
  done: '✓',
  skipped: '↷',
  failed: '✗',
  blocked: '!',
  'not-run': '·',
};

export function resultLine(a: Action, r: ActionResult, style: Style): string {
  const paint =
    r.status === 'done'
      ? style.green
      : r.status === 'skipped'
        ? style.dim
        : r.status === 'not-run'
          ? style.dim
          : style.red;
  const tries = r.attempts > 1 ? `, ${r.attempts} attempts` : '';
  const what = `${a.kind} ${actionTarget(a)}`;
  const note =
    r.status === 'done'
      ? r.message === ''
        ? ''
        : `: ${r.message}`
      : `: ${r.status} — ${r.message}`;
  return `  ${paint(MARK[r.status])} ${what} (${seconds(r.durationMs)}${tries})${note}\n`;
}

export class ProgressReporter implements ExecutionObserver {
  private readonly out: OutStream;
  private readonly style: Style;
  private readonly now: () => number;
  private readonly live = new Map<string, { action: Action; since: number; note: string }>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(out: OutStream, style: Style, now: () => number = Date.now) {
    this.out = out;
    this.style = style;
    this.now = now;
    if (out.isTTY === true) {
      this.timer = setInterval(() => {
        this.redraw();
      }, 100);
      this.timer.unref();
    }
  }

  started(a: Action): void {
    this.live.set(a.id, { action: a, since: this.now(), note: '' });
    this.redraw();
  }

  progress(a: Action, message: string): void {
    const entry = this.live.get(a.id);
    if (entry) entry.note = message;
  }

  retrying(a: Action, attempt: number, delayMs: number, error: unknown): void {
    this.print(
      this.style.yellow(
        `  ↻ ${a.kind} ${actionTarget(a)}: attempt ${attempt} failed (${errorMessage(error)}); retrying in ${seconds(delayMs)}\n`,
      ),
    );
  }

  finished(a: Action, r: ActionResult): void {
    this.live.delete(a.id);
    this.print(resultLine(a, r, this.style));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearLive();
  }

  private print(text: string): void {
    this.clearLive();
    this.out.write(text);
    this.drawLive();
  }

  private redraw(): void {
    if (this.out.isTTY !== true) return;
    this.clearLive();
    this.drawLive();
  }

  private clearLive(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  private drawLive(): void {
    if (this.out.isTTY !== true || this.live.size === 0) return;
    const width = (this.out.columns ?? 100) - 1;
    const lines = [...this.live.values()].map(({ action, since, note }) => {
      const text = `  … ${action.kind} ${actionTarget(action)} ${seconds(this.now() - since)}${note ? ` — ${note}` : ''}`;
      return this.style.cyan(text.slice(0, width));
    });
    this.out.write(lines.join('\n') + '\n');
    this.drawn = lines.length;
  }
}

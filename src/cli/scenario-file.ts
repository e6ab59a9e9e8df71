/**
 * Scenario files for `simulate --scenarios FILE`:
 *
 *   scenarios:
 *     - name: kvm2 dies at night          # optional
 *       events: [host-dies kvm2]          # a list of events, or one string with `;`
 *     - events:
 *         - guest-crashes db1 3
 *         - host-drained kvm3
 *
 * Each event is the same text as on the command line. Errors name the file, line, column and
 * field.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Desired } from '../model/desired.js';
import { errorMessage } from '../common/errors.js';
import { parseScenario, ScenarioError, type Scenario } from '../simulate/scenario.js';
import type { CliIo } from './io.js';

export async function loadScenarioFile(
  io: CliIo,
  file: string,
  desired: Desired,
): Promise<Scenario[]> {
  const full = path.resolve(io.cwd, file);
  const shown = path.relative(io.cwd, full) || full;
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    throw new ScenarioError(`${shown}: cannot read it (${errorMessage(err)})`);
  }
  return parseScenarioFile(text, shown, desired);
}

export function parseScenarioFile(text: string, file: string, desired: Desired): Scenario[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (node: Node | null | undefined, field: string): string => {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = lines.linePos(offset);
    return `${file}:${String(line)}:${String(col)}: ${field}`;
  };
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const { line, col } = lines.linePos(firstError.pos[0]);
    throw new ScenarioError(
      `${file}:${String(line)}:${String(col)}: not YAML: ${firstError.message.split('\n')[0] ?? ''}`,
    );
  }
  const root = doc.contents;
  if (!isMap(root))
    throw new ScenarioError(`${where(root, '(document)')}: must be a mapping with 'scenarios'`);
  for (const pair of root.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : '';
    if (k !== 'scenarios')
      throw new ScenarioError(
        `${where(pair.key, k)}: unknown field (the file has only 'scenarios')`,
      );
  }
  const list = root.get('scenarios', true);
  if (!isSeq(list) || list.items.length === 0)
    throw new ScenarioError(`${where(list ?? root, 'scenarios')}: must be a non-empty list`);
  const out: Scenario[] = [];
  list.items.forEach((item, i) => {
    const field = `scenarios[${String(i)}]`;
    if (!isMap(item))
      throw new ScenarioError(`${where(item as Node, field)}: must be a mapping with 'events'`);
    let name: string | undefined;
    let events: { node: Node; text: string; field: string }[] = [];
    for (const pair of item.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '';
      const v = pair.value as Node | null;
      if (k === 'name') {
        if (!isScalar(v) || typeof v.value !== 'string')
          throw new ScenarioError(`${where(v, `${field}.name`)}: must be a string`);
        name = v.value;
      } else if (k === 'events') {
        if (isScalar(v) && typeof v.value === 'string') {
          events = [{ node: v, text: v.value, field: `${field}.events` }];
        } else if (isSeq(v) && v.items.length > 0) {
          events = v.items.map((e, j) => {
            const f = `${field}.events[${String(j)}]`;
            if (!isScalar(e) || typeof e.value !== 'string')
              throw new ScenarioError(
                `${where(e as Node, f)}: must be an event, e.g. 'host-dies kvm2'`,
              );
            return { node: e, text: e.value, field: f };
          });
        } else {
          throw new ScenarioError(
            `${where(v, `${field}.events`)}: must be a non-empty list of events`,
          );
        }
      } else {
        throw new ScenarioError(
          `${where(pair.key as Node, `${field}.${k}`)}: unknown field (name, events)`,
        );
      }
    }
    if (events.length === 0) throw new ScenarioError(`${where(item, `${field}.events`)}: missing`);
    const parsed: Scenario[] = [];
    for (const e of events) {
      if (events.length > 1 && /^\s*each-host-dies\b/.test(e.text))
        throw new ScenarioError(
          `${where(e.node, e.field)}: each-host-dies is a scenario of its own`,
        );
      try {
        parsed.push(...parseScenario(desired, e.text));
      } catch (err) {
        if (err instanceof ScenarioError)
          throw new ScenarioError(`${where(e.node, e.field)}: ${err.message}`);
        throw err;
      }
    }
    // `each-host-dies` stands alone: its scenarios are kept as they are.
    if (parsed.length !== events.length || events.length === 1) {
      out.push(
        ...parsed.map((s) => (name !== undefined && parsed.length === 1 ? { ...s, name } : s)),
      );
      return;
    }
    const all = parsed.flatMap((s) => s.events);
    out.push({ name: name ?? parsed.map((s) => s.name).join('; '), events: all });
  });
  return out;
}

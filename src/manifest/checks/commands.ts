/**
 * Hook commands (fence agents, replication tools) must not carry a password on their command
 * line: it would sit in git, in `ps` output and in logs. Fence agents read it from a script
 * (`--password-script` / `-S`) instead.
 *
 * This runs over the raw document, before and whatever the schema says, so that the secret
 * is masked in every diagnostic that quotes its line, even when the document has other errors.
 */
import type { Diagnostic } from '../../model/diagnostic.js';
import { diag, fieldPath } from '../diagnostics.js';
import type { Locator, DocPath } from '../locate.js';

const WITH_VALUE = /^--(password|passwd)=./i;
const FLAG = /^--(password|passwd)$/i;

/** The index of the argument that holds a password, or -1. */
function passwordArgument(argv: readonly string[]): number {
  const program = (argv[0] ?? '').split('/').pop() ?? '';
  const fenceAgent = program.startsWith('fence_');
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (WITH_VALUE.test(arg)) return i;
    if (FLAG.test(arg) && i + 1 < argv.length) return i + 1;
    if (fenceAgent && arg === '-p' && i + 1 < argv.length) return i + 1;
    if (fenceAgent && /^-p./.test(arg)) return i;
  }
  return -1;
}

/** A diagnostic when the command at `path` has a password argument. */
export function checkCommandPassword(
  argv: readonly string[],
  path: DocPath,
  locator: Locator,
): Diagnostic | undefined {
  const index = passwordArgument(argv);
  if (index < 0) return undefined;
  const at = locator.span([...path, index]);
  return diag(
    'passwordInCommand',
    `${fieldPath(path)} passes a password on the command line (argument ${index + 1})`,
    at,
    {
      hint: 'let the command read it from a file: fence agents take --password-script=FILE (-S)',
      secretAt: at,
    },
  );
}

/**
 * Cheap test of a whole file's text: can any of its lists hold a password argument? Every
 * form `passwordArgument` finds starts with `--pass` or is a `-p` after a separator or quote.
 */
export function mayHoldCommandPassword(text: string): boolean {
  return /--pass|(?:^|[\s,['"])-p/im.test(text);
}

/** Every list of strings in a raw document that carries a password. */
export function scanCommandPasswords(value: unknown, locator: Locator): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack: { node: unknown; path: DocPath }[] = [{ node: value, path: [] }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined) break;
    const { node, path } = item;
    if (Array.isArray(node)) {
      if (node.length > 1 && node.every((a) => typeof a === 'string')) {
        const d = checkCommandPassword(node, path, locator);
        if (d !== undefined) out.push(d);
      } else {
        node.forEach((child, i) => stack.push({ node: child, path: [...path, i] }));
      }
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        stack.push({ node: child, path: [...path, key] });
      }
    }
  }
  return out;
}

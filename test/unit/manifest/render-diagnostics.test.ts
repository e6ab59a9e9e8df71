/** The compiler-style renderer shared by validate, plan and apply. */
import { describe, expect, it } from '@jest/globals';
import {
  countSummary,
  diagnosticJson,
  renderDiagnostics,
} from '../../../src/cli/render/diagnostics.js';
import type { Diagnostic } from '../../../src/model/diagnostic.js';

const cwd = '/srv/checkout';
const file = '/srv/checkout/manifests/guests.yaml';
const source = [
  'apiVersion: virtwarden/v1',
  'kind: Guest',
  'metadata: { name: db1 }',
  'spec:',
  '  placement:',
  '    hosts: [kvm1, kvm9]',
  '\tpassword: hunter2 # tab-indented',
  'x: "\u001b[2Jboom"',
].join('\n');

const plainStream = { write: () => true, isTTY: false };
const ttyStream = { write: () => true, isTTY: true };

function render(
  diagnostics: readonly Diagnostic[],
  options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {},
): string {
  return renderDiagnostics(diagnostics, {
    cwd,
    stream: options.tty === true ? ttyStream : plainStream,
    env: options.env ?? {},
    readSource: (f) => (f === file ? source : undefined),
  });
}

const unknownHost: Diagnostic = {
  severity: 'error',
  code: 'VW202',
  message: "host 'kvm9' is not defined in any site",
  hint: "did you mean 'kvm2'?",
  at: { file, line: 6, col: 19, endLine: 6, endCol: 23 },
  related: [
    {
      message: 'hosts are defined here',
      at: { file: '/srv/checkout/manifests/site.yaml', line: 3, col: 5 },
    },
  ],
};

describe('renderDiagnostics', () => {
  it('prints path:line:col, severity and code, the line with a caret, hint and notes', () => {
    expect(render([unknownHost])).toBe(
      [
        "manifests/guests.yaml:6:19: error[VW202]: host 'kvm9' is not defined in any site",
        '  |',
        '6 |     hosts: [kvm1, kvm9]',
        '  |                   ^~~~',
        "  = hint: did you mean 'kvm2'?",
        '  = note: hosts are defined here: manifests/site.yaml:3:5',
        '',
        '',
      ].join('\n'),
    );
  });

  it('colours only on a terminal, and not with NO_COLOR', () => {
    expect(render([unknownHost])).not.toContain('\u001b[');
    expect(render([unknownHost], { tty: true })).toContain('\u001b[31m');
    expect(render([unknownHost], { tty: true, env: { NO_COLOR: '1' } })).not.toContain('\u001b[');
  });

  it('masks secrets in any quoted line and aligns the caret after a tab', () => {
    const secret: Diagnostic = {
      severity: 'error',
      code: 'VW111',
      message: "plain-text password field 'password'",
      at: { file, line: 7, col: 2, endLine: 7, endCol: 10 },
      secretAt: { file, line: 7, col: 12, endLine: 7, endCol: 19 },
    };
    const other: Diagnostic = {
      severity: 'warning',
      code: 'VW015',
      message: 'something else on that line',
      at: { file, line: 7, col: 20, endLine: 7, endCol: 21 },
    };
    const text = render([secret, other]);
    expect(text).not.toContain('hunter2');
    expect(text).toContain('7 |     password: ******* # tab-indented');
    expect(text).toContain('  |     ^~~~~~~~\n');
    expect(text).toContain('  |                       ^\n');
  });

  it('replaces control characters from the source instead of sending them to the terminal', () => {
    const d: Diagnostic = {
      severity: 'error',
      code: 'VW103',
      message: "unknown field 'x'",
      at: { file, line: 8, col: 1, endLine: 8, endCol: 2 },
    };
    const text = render([d]);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('8 | x: "\uFFFD[2Jboom"');
  });

  it('prints diagnostics without a place, and without a readable source', () => {
    const noPlace: Diagnostic = { severity: 'error', code: 'VW003', message: 'no manifests found' };
    const unreadable: Diagnostic = {
      severity: 'warning',
      code: 'VW007',
      message: 'empty',
      at: { file: '/elsewhere/x.yaml', line: 1, col: 1 },
    };
    expect(render([noPlace, unreadable])).toBe(
      'error[VW003]: no manifests found\n\n../../elsewhere/x.yaml:1:1: warning[VW007]: empty\n\n',
    );
  });

  it('windows a very long line around the span', () => {
    const long = 'k: ' + 'a'.repeat(500) + 'BAD' + 'b'.repeat(500);
    const d: Diagnostic = {
      severity: 'error',
      code: 'VW108',
      message: 'bad',
      at: { file, line: 1, col: 504, endLine: 1, endCol: 507 },
    };
    const text = renderDiagnostics([d], {
      cwd,
      stream: plainStream,
      env: {},
      readSource: () => long,
    });
    const [, , quoted, caret] = text.split('\n');
    expect(quoted?.length).toBeLessThan(180);
    expect(quoted?.slice(caret?.indexOf('^'), (caret?.indexOf('^') ?? 0) + 3)).toBe('BAD');
  });

  it('summarizes counts, and gives JSON with relative paths', () => {
    expect(countSummary([])).toBe('ok');
    expect(countSummary([unknownHost, unknownHost, { ...unknownHost, severity: 'warning' }])).toBe(
      '2 errors, 1 warning',
    );
    expect(diagnosticJson(unknownHost, cwd)).toEqual({
      severity: 'error',
      code: 'VW202',
      message: "host 'kvm9' is not defined in any site",
      hint: "did you mean 'kvm2'?",
      file: 'manifests/guests.yaml',
      line: 6,
      col: 19,
      endLine: 6,
      endCol: 23,
      related: [
        { message: 'hosts are defined here', file: 'manifests/site.yaml', line: 3, col: 5 },
      ],
    });
  });
});

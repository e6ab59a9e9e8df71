/**
 * The layer rules of eslint.config.js, as the configuration really applies them: for a path,
 * ESLint computes the rules that govern it, and those rules alone (no type information needed)
 * judge a few import lines. Each rule of ARCHITECTURE's "Layers" is shown to reject what it
 * must and to let the ordinary imports through.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IMPORT_RULES = ['no-restricted-imports', 'no-restricted-syntax'] as const;

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function importRulesFor(file: string): Promise<Linter.RulesRecord> {
  const config = (await eslint.calculateConfigForFile(path.join(ROOT, file))) as
    { rules?: Linter.RulesRecord } | undefined;
  const rules: Linter.RulesRecord = {};
  for (const name of IMPORT_RULES) {
    const rule = config?.rules?.[name];
    if (rule !== undefined) rules[name] = rule;
  }
  return rules;
}

/** The messages the layer rules give for `code` placed at `file` (relative to the root). */
async function lint(file: string, code: string): Promise<string[]> {
  const linter = new Linter({ cwd: ROOT });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts', '**/*.js'],
        languageOptions: { parser: tseslint.parser, sourceType: 'module' },
        rules: await importRulesFor(file),
      },
    ],
    { filename: path.join(ROOT, file) },
  );
  return messages.map((m) => m.message);
}

const reported = async (file: string, code: string): Promise<string> => {
  const messages = await lint(file, code);
  expect(messages).toHaveLength(1);
  return messages[0] ?? '';
};

describe('layer rules (eslint.config.js)', () => {
  it('src/model imports nothing of ours, not even a type', async () => {
    expect(await reported('src/model/x.ts', "import { f } from '../common/errors.js';")).toContain(
      'src/model is types only',
    );
    expect(
      await reported('src/model/x.ts', "import type { Plan } from '../reconcile/plan.js';"),
    ).toContain('src/model is types only');
    expect(await lint('src/model/x.ts', "import type { Guest } from './desired.js';")).toEqual([]);
  });

  it('src/providers never import src/reconcile, src/cli or src/watch, at any depth', async () => {
    for (const target of ['reconcile/effective.js', 'cli/io.js', 'watch/controller.js']) {
      expect(
        await reported('src/providers/ovirt/verify.ts', `import { x } from '../../${target}';`),
      ).toContain('src/providers never import src/reconcile, src/cli or src/watch');
    }
    expect(
      await reported('src/providers/registry.ts', "export * from '../watch/controller.js';"),
    ).toContain('src/providers never import');
    expect(
      await reported(
        'src/providers/libvirt/provider.ts',
        "const m = await import('../../reconcile/diff.js');",
      ),
    ).toContain('src/providers never import');
    expect(
      await reported(
        'src/providers/libvirt/provider.ts',
        "type Diff = typeof import('../../reconcile/diff.js');",
      ),
    ).toContain('src/providers never import');
    expect(
      await lint(
        'src/providers/ovirt/verify.ts',
        [
          "import type { Desired } from '../../model/desired.js';",
          "import { TerminalError } from '../../common/errors.js';",
          "import { x } from '../libvirt/host-api.js';",
          "import { y } from './client.js';",
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('src/simulate is pure: only src/model, src/common and src/reconcile', async () => {
    for (const target of [
      'cli/io.js',
      'watch/controller.js',
      'state/journal.js',
      'providers/provider.js',
    ]) {
      expect(await reported('src/simulate/run.ts', `import { x } from '../${target}';`)).toContain(
        'src/simulate imports only src/model, src/common and src/reconcile',
      );
    }
    expect(
      await lint('src/simulate/run.ts', "import { diff } from '../reconcile/diff.js';"),
    ).toEqual([]);
  });

  it('src/reconcile never imports src/cli, src/watch or src/state, and providers only by their interface', async () => {
    for (const target of ['cli/io.js', 'watch/controller.js', 'state/journal.js']) {
      expect(
        await reported('src/reconcile/diff.ts', `import { x } from '../${target}';`),
      ).toContain('src/reconcile never imports src/cli, src/watch or src/state');
    }
    expect(
      await reported(
        'src/reconcile/diff.ts',
        "import { x } from '../providers/ovirt/provider.js';",
      ),
    ).toContain('src/reconcile imports src/providers only through providers/provider.js');
    expect(
      await lint(
        'src/reconcile/diff.ts',
        "import type { Provider } from '../providers/provider.js';",
      ),
    ).toEqual([]);
  });

  it('src/state imports only src/model and src/common', async () => {
    for (const target of ['providers/provider.js', 'manifest/index.js', 'reconcile/history.js']) {
      expect(await reported('src/state/journal.ts', `import { x } from '../${target}';`)).toContain(
        'src/state imports only src/model and src/common',
      );
    }
    expect(
      await lint(
        'src/state/journal.ts',
        "import type { Plan } from '../model/plan.js';\nimport { e } from '../common/errors.js';\nimport { l } from './lock.js';",
      ),
    ).toEqual([]);
  });

  it('nothing in src/ imports the engine simulator, by its name or by a path', async () => {
    expect(
      await reported(
        'src/cli/commands/apply.ts',
        "import { startOvirtSim } from '@virtwarden/ovirt-sim';",
      ),
    ).toContain('nothing in src/ imports the engine simulator');
    expect(
      await reported(
        'src/manifest/normalize/guest.ts',
        "const sim = await import('@virtwarden/ovirt-sim');",
      ),
    ).toContain('nothing in src/ imports the engine simulator');
    expect(
      await reported(
        'src/cli/commands/apply.ts',
        "import { startOvirtSim } from '../../../packages/ovirt-sim/src/index.js';",
      ),
    ).toContain('src/ imports nothing from outside src/');
    expect(
      await reported(
        'src/watch/controller.ts',
        "import { captureIo } from '../../test/helpers/cli-io.js';",
      ),
    ).toContain('src/ imports nothing from outside src/');
  });

  it('the simulator package imports nothing outside its folder; the root tests use its name', async () => {
    expect(
      await reported(
        'packages/ovirt-sim/src/engine/core.ts',
        "import type { Guest } from '../../../../src/model/desired.js';",
      ),
    ).toContain('a workspace package imports nothing from outside its own folder');
    expect(
      await lint('packages/ovirt-sim/src/engine/core.ts', "import { x } from '../model/state.js';"),
    ).toEqual([]);
    expect(
      await reported(
        'test/integration/ovirt/provider.test.ts',
        "import { startOvirtSim } from '../../../packages/ovirt-sim/src/index.js';",
      ),
    ).toContain("import the engine simulator as '@virtwarden/ovirt-sim'");
    expect(
      await lint(
        'test/integration/ovirt/provider.test.ts',
        "import { startOvirtSim } from '@virtwarden/ovirt-sim';",
      ),
    ).toEqual([]);
  });

  it('every source file of src/ and of the packages lies within the rules’ reach', async () => {
    const files = (dir: string): string[] =>
      readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => path.join(dir, f));
    const all = [
      ...files('src'),
      ...files('packages/ovirt-sim/src'),
      ...files('packages/ovirt-sim/test'),
    ];
    expect(all.length).toBeGreaterThan(100);
    const uncovered: string[] = [];
    for (const file of all) {
      const rules = await importRulesFor(file);
      if (rules['no-restricted-imports'] === undefined) uncovered.push(file);
    }
    expect(uncovered).toEqual([]);
  });
});

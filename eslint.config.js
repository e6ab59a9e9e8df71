// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

// Layer rules (ARCHITECTURE "Layers": the arrow never runs backwards). What each folder of src/
// may import from the others; every folder of src/ may not import from outside src/ (test code,
// benchmarks, the workspace packages) nor the engine simulator by its package name.
const LAYERS = {
  model: { allow: [], why: 'src/model is types only: it imports nothing of ours' },
  common: { allow: ['model'], why: 'src/common sits under every layer: it imports only src/model' },
  manifest: {
    allow: ['model', 'common'],
    why: 'src/manifest imports only src/model and src/common',
  },
  state: { allow: ['model', 'common'], why: 'src/state imports only src/model and src/common' },
  providers: {
    deny: ['reconcile', 'cli', 'watch'],
    why: 'src/providers never import src/reconcile, src/cli or src/watch',
  },
  reconcile: {
    deny: ['cli', 'watch', 'state'],
    why: 'src/reconcile never imports src/cli, src/watch or src/state',
    // It knows providers only by their interface.
    only: { providers: 'provider.js' },
  },
  watch: { deny: ['cli'], why: 'src/watch never imports src/cli' },
  // The what-if stepping is pure like the planner it drives: no providers, state or shell.
  simulate: {
    allow: ['model', 'common', 'reconcile'],
    why: 'src/simulate imports only src/model, src/common and src/reconcile',
  },
};
// src/ is at most two folders deep today (src/manifest/normalize); test/unit/lint-layers.test.ts
// fails if a file lies deeper than the rules below reach.
const MAX_DEPTH = 5;
const SIMULATOR = '@virtwarden/ovirt-sim';

const alternatives = (names) => names.join('|');

/**
 * The import paths a file `depth` folders below src/ (src/X/a.ts: 1) must not use, as regular
 * expressions over the import string. All imports in src/ are relative, and a relative path
 * names another folder of src/ exactly when it climbs `depth` times and then goes down, so
 * `(?:\.\./){depth}` anchors each pattern at src/ whatever the file's depth.
 */
function forbiddenImports(layer, depth) {
  const up = `^(?:\\.\\./){${depth}}`;
  const rules = [
    { regex: `^(?:\\.\\./){${depth + 1}}`, message: 'src/ imports nothing from outside src/' },
    {
      regex: `^${SIMULATOR}(?:/|$)`,
      message: 'nothing in src/ imports the engine simulator (a test tool)',
    },
  ];
  const spec = LAYERS[layer];
  if (spec === undefined) return rules;
  if (spec.allow !== undefined) {
    const allowed = alternatives([layer, ...spec.allow, '\\.\\.']);
    rules.push({ regex: `${up}(?!(?:${allowed})(?:/|$))`, message: spec.why });
  }
  if (spec.deny !== undefined) {
    rules.push({ regex: `${up}(?:${alternatives(spec.deny)})(?:/|$)`, message: spec.why });
  }
  for (const [folder, file] of Object.entries(spec.only ?? {})) {
    rules.push({
      regex: `${up}${folder}/(?!${file.replaceAll('.', '\\.')}$)`,
      message: `src/${layer} imports src/${folder} only through ${folder}/${file}`,
    });
  }
  return rules;
}

/**
 * One config block for a set of files. `no-restricted-imports` sees static imports and
 * re-exports; `no-restricted-syntax` the same paths in `import()` and `typeof import()`. A later
 * block that matches the same file replaces these options rather than adding to them, so each
 * block carries every pattern its files need.
 */
function importRules(files, rules) {
  // esquery regex literals end at an unescaped '/'.
  const selector = (regex) =>
    `:matches(ImportExpression, TSImportType) > Literal.source[value=/${regex.replaceAll('/', '\\/')}/]`;
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: rules.map(({ regex, message }) => ({ regex, message })) },
      ],
      'no-restricted-syntax': [
        'error',
        ...rules.map(({ regex, message }) => ({ selector: selector(regex), message })),
      ],
    },
  };
}

/** Per depth: every folder of src/ (the general rules), then each layer (general + its own). */
function srcLayerRules() {
  const blocks = [];
  for (let depth = 1; depth <= MAX_DEPTH; depth += 1) {
    const below = '*/'.repeat(depth - 1);
    blocks.push(importRules([`src/*/${below}*.ts`], forbiddenImports(undefined, depth)));
    for (const layer of Object.keys(LAYERS)) {
      blocks.push(importRules([`src/${layer}/${below}*.ts`], forbiddenImports(layer, depth)));
    }
  }
  return blocks;
}

/** A workspace package stands alone: nothing it imports lies outside its folder. */
function packageRules() {
  const blocks = [];
  for (let depth = 0; depth <= MAX_DEPTH; depth += 1) {
    const below = '*/'.repeat(depth);
    const rules = [
      {
        regex: `^(?:\\.\\./){${depth + 1}}`,
        message: 'a workspace package imports nothing from outside its own folder',
      },
    ];
    blocks.push(importRules([`packages/*/${below}*.{ts,js}`], rules));
  }
  return blocks;
}

/** virtwarden's tests and benchmarks reach a workspace package by its name, never by a path. */
const testRules = importRules(
  ['test/**/*.ts', 'bench/**/*.ts'],
  [
    {
      regex: '(?:^|/)packages/',
      message: `import the engine simulator as '${SIMULATOR}', not by its path`,
    },
  ],
);

export default tseslint.config(
  {
    // reports/ and .stryker-tmp/: Stryker's reports and its sandbox copy of the sources
    // (npm run mutation).
    ignores: [
      '**/dist/',
      '**/node_modules/',
      'native/build/',
      '**/coverage/',
      'reports/',
      '.stryker-tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  ...srcLayerRules(),
  ...packageRules(),
  testRules,
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // CommonJS helper scripts run as child processes (they load the native addon directly).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);

/**
 * Jest runs the TypeScript sources directly as ESM through @swc/jest (transpile only;
 * `npm run typecheck` does the type checking). Integration tests start their own libvirtd hosts
 * and QEMU guests (test/lab); labs run side by side safely (separate ports and folders), two
 * test files at a time on this two-core machine.
 *
 * Two projects: virtwarden's own tests (test/), and each workspace package's, with its own
 * config (packages/ovirt-sim/jest.config.js). `npm run jest -- PATH…` picks files from both.
 */
/** @type {import('jest').Config} */
const virtwarden = {
  displayName: 'virtwarden',
  testEnvironment: 'node',
  // '@virtwarden/source' resolves workspace packages (the engine simulator) to their
  // TypeScript sources, as `tsconfig.json`'s customConditions do for the type check.
  testEnvironmentOptions: { customExportConditions: ['@virtwarden/source', 'node', 'node-addons'] },
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/packages/'],
  testTimeout: 30000,
};

/** @type {import('jest').Config} */
export default {
  projects: [virtwarden, '<rootDir>/packages/ovirt-sim'],
  maxWorkers: 2,
};

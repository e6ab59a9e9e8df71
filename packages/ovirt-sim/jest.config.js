/**
 * The simulator's own tests: real servers and real HTTP on loopback, the TypeScript sources run
 * as ESM through @swc/jest (transpile only; `npm run typecheck` does the type checking). The
 * repository's jest runs this file as one of its projects; `npm test` in this folder runs it
 * alone.
 */
/** @type {import('jest').Config} */
export default {
  displayName: 'ovirt-sim',
  testEnvironment: 'node',
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
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 30000,
};

/**
 * The Jest configuration Stryker runs (`npm run mutation`, stryker.config.mjs): the planner's
 * own unit tests, test/unit/reconcile. They are pure and take about a second, so each of the
 * ~1300 mutants costs well under a second. The watch controller's in-memory tests would also
 * catch planner mutants, but slowly (a wrong plan there is a wait until a timeout), and the
 * integration, lab and fault suites start libvirtd hosts and QEMU guests.
 */
import config from './jest.config.js';

const [virtwarden] = config.projects;

/** @type {import('jest').Config} */
export default {
  ...virtwarden,
  displayName: undefined,
  testMatch: ['<rootDir>/test/unit/reconcile/**/*.test.ts'],
};

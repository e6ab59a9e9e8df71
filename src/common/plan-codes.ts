/**
 * Codes of the problems the planner finds in the world (not in the manifests): part of the
 * one diagnostic catalogue (`src/manifest/codes.ts` lists them with the manifest codes,
 * `docs/diagnostics.md` explains each). VW9xx: planning against what is observed.
 */
export const PLAN_CODES = {
  domainConflict: {
    code: 'VW901',
    severity: 'error',
    summary: 'a different domain of the same name is in the way',
  },
  runningTwice: {
    code: 'VW902',
    severity: 'error',
    summary: 'a guest runs on several hosts at once',
  },
  engineVmMissing: {
    code: 'VW903',
    severity: 'error',
    summary: 'the oVirt VM a guest names does not exist in its engine',
  },
  poolMissing: {
    code: 'VW904',
    severity: 'error',
    summary: 'a storage pool a mapping uses is missing or not active on a host',
  },
  goldenImageMissing: {
    code: 'VW905',
    severity: 'error',
    summary: 'the golden image a volume is a copy of is missing',
  },
  targetTaken: {
    code: 'VW906',
    severity: 'error',
    summary: "a mapped disk's target is taken by a disk of the guest's own definition",
  },
} as const;

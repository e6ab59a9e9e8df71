import type { Diagnostic } from '../../model/diagnostic.js';
import { Names, type Collected } from '../collected.js';
import { checkDefinitions } from './definitions.js';
import { checkDependencies } from './dependencies.js';
import { checkDisasterRecovery } from './dr.js';
import { checkGuests } from './guests.js';
import { checkHookEnvironment } from './hook-env.js';
import { checkSites } from './sites.js';
import { checkStorage } from './storage.js';

/** Every cross-object rule over what the loader collected. */
export function runChecks(collected: Collected): Diagnostic[] {
  const names = new Names(collected);
  return [
    ...checkSites(collected),
    ...checkHookEnvironment(collected),
    ...checkGuests(collected, names),
    ...checkDefinitions(collected, names),
    ...checkStorage(collected, names),
    ...checkDisasterRecovery(collected, names),
    ...checkDependencies(collected, names),
  ];
}

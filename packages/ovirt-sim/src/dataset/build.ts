import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { OvirtSimError } from '../errors.js';
import { computeDataCenterStatus, spmCandidate } from '../model/spm-rules.js';
import { SimState } from '../model/state.js';
import { readClusters, readDataCenters, readHosts, readStorageDomains } from './build-infra.js';
import { readVms } from './build-vms.js';
import { Reader } from './reader.js';

/**
 * Builds the engine database from a dataset (`SimDataset`) (already parsed, but untrusted: it may
 * come from a user's file). Every problem is reported at once in one `dataset-invalid` error.
 */
export function buildState(input: unknown, now: () => number = Date.now): SimState {
  const reader = new Reader();
  const state = new SimState(now);
  const root = reader.record(input, 'dataset');
  if (root !== undefined) {
    for (const key of Object.keys(root)) {
      if (!['dataCenters', 'clusters', 'hosts', 'storageDomains', 'vms'].includes(key)) {
        reader.problem(`dataset.${key}`, 'unknown key');
      }
    }
    readDataCenters(reader, root.dataCenters, state);
    readClusters(reader, root.clusters, state);
    readHosts(reader, root.hosts, state);
    readStorageDomains(reader, root.storageDomains, state);
    readVms(reader, root.vms, state);
    settleSpm(reader, state);
  }
  if (reader.problems.length > 0) {
    throw new OvirtSimError(
      'dataset-invalid',
      `invalid simulator dataset:\n  ${reader.problems.join('\n  ')}`,
    );
  }
  return state;
}

/** At most one SPM per data center; a data center without one elects it now, as at engine start. */
function settleSpm(reader: Reader, state: SimState): void {
  for (const dc of state.dataCenters.values()) {
    const holders = state.hostsOfDataCenter(dc.id).filter((h) => h.spm.status === 'spm');
    if (holders.length > 1) {
      reader.problem(
        'hosts',
        `data center '${dc.name}' has more than one SPM: ${holders.map((h) => h.name).join(', ')}`,
      );
    }
    if (holders.length === 0 && computeDataCenterStatus(state, dc) === 'contend') {
      const elected = spmCandidate(state, dc);
      if (elected !== undefined) elected.spm.status = 'spm';
    }
    dc.status = computeDataCenterStatus(state, dc);
  }
}

/** Reads a dataset file (YAML or JSON) and builds the engine database from it. */
export async function loadDatasetFile(file: string, now?: () => number): Promise<SimState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new OvirtSimError('dataset-unreadable', `cannot read dataset ${file}: ${String(err)}`, {
      cause: err,
    });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new OvirtSimError(
      'dataset-invalid',
      `dataset ${file} is neither JSON nor YAML: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return buildState(parsed, now);
}

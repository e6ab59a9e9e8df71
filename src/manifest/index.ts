/** The manifest loader: YAML manifests in, the desired state (or diagnostics) out. */
export { loadManifests, readReferencedFile } from './load.js';
export { parseManifestSources, type LoadResult, type ManifestSource } from './parse-sources.js';
export type { ReadFailure, ReadReferencedFile } from './normalize/context.js';
export type { RootOptions } from './root.js';
export { ALL_CODES, CODES, type CodeName } from './codes.js';

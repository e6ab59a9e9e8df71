/**
 * "Did you mean …?": the closest known name to a misspelt one, by edit distance (an adjacent
 * swap counts as one edit), case-insensitive. Nothing is suggested when every candidate is
 * too far away to be a plausible typo.
 */

function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * A misspelt abbreviation of a longer name (`timout` for `timeoutSeconds`): the distance to
 * the candidate's beginning, plus one for leaving the rest out. Short names do not count, or
 * `a` would suggest anything starting with an a.
 */
function prefixDistance(wanted: string, candidate: string): number {
  if (wanted.length < 4 || candidate.length <= wanted.length) return Infinity;
  let best = Infinity;
  for (const length of [wanted.length - 1, wanted.length, wanted.length + 1]) {
    best = Math.min(best, editDistance(wanted, candidate.slice(0, length)) + 1);
  }
  return best;
}

/** The best candidate for `name`, or undefined when none is close enough. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  if (wanted.length > 100) return undefined;
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const distance = Math.min(editDistance(wanted, lower), prefixDistance(wanted, lower));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `did you mean 'x'?` or undefined. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const match = closest(name, candidates);
  return match === undefined ? undefined : `did you mean '${match}'?`;
}

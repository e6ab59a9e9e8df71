/**
 * A tiny structural reader for untyped dataset input: each accessor records a problem with its
 * path (`vms[2].memory: expected a number or a size string`) instead of throwing, so one run
 * reports every mistake in the file.
 */
export class Reader {
  readonly problems: string[] = [];

  problem(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  record(value: unknown, path: string): Record<string, unknown> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    this.problem(path, 'expected an object');
    return undefined;
  }

  list(value: unknown, path: string): unknown[] {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    this.problem(path, 'expected a list');
    return [];
  }

  string(obj: Record<string, unknown>, key: string, path: string): string | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    this.problem(`${path}.${key}`, 'expected a string');
    return undefined;
  }

  requiredString(obj: Record<string, unknown>, key: string, path: string): string {
    const value = this.string(obj, key, path);
    if (value === undefined || value === '') {
      if (obj[key] === undefined || obj[key] === '') this.problem(`${path}.${key}`, 'is required');
      return '';
    }
    return value;
  }

  oneOf<T extends string>(
    obj: Record<string, unknown>,
    key: string,
    path: string,
    allowed: readonly T[],
  ): T | undefined {
    const value = this.string(obj, key, path);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problem(`${path}.${key}`, `'${value}' is not one of ${allowed.join(', ')}`);
    return undefined;
  }

  number(obj: Record<string, unknown>, key: string, path: string): number | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.problem(`${path}.${key}`, 'expected a number');
    return undefined;
  }

  boolean(obj: Record<string, unknown>, key: string, path: string): boolean | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    this.problem(`${path}.${key}`, 'expected true or false');
    return undefined;
  }

  /** Bytes from a number or a string such as `"4 GiB"`, `"512MiB"`, `"10G"`. */
  size(obj: Record<string, unknown>, key: string, path: string): number | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    const bytes = parseSize(value);
    if (bytes === undefined) {
      this.problem(`${path}.${key}`, 'expected bytes (a number) or a size such as "4 GiB"');
    }
    return bytes;
  }

  stringList(obj: Record<string, unknown>, key: string, path: string): string[] | undefined {
    const value = obj[key];
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    this.problem(`${path}.${key}`, 'expected a list of strings');
    return undefined;
  }
}

const UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Parses a byte count; units are binary (the engine reports sizes in bytes). */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (match === null) return undefined;
  const unit = UNITS[(match[2] ?? '').toLowerCase() || 'b'];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

/**
 * File watches: the manifests (an edit is reconciled within a second) and the fencing records
 * (an operator's `virtwarden fence confirm`). chokidar reports changes; a short debounce
 * coalesces the several events one save produces.
 */
import { watch, type FSWatcher } from 'chokidar';
import path from 'node:path';

export function watchFiles(
  paths: readonly string[],
  onChange: (changedAt: number) => void,
  options: { debounceMs?: number; filter?: (file: string) => boolean } = {},
): { close(): Promise<void>; ready: Promise<void> } {
  const debounce = options.debounceMs ?? 30;
  let timer: NodeJS.Timeout | undefined;
  let first = 0;
  const watcher: FSWatcher = watch([...paths], { ignoreInitial: true, persistent: true });
  const fire = (file: string): void => {
    if (options.filter && !options.filter(file)) return;
    if (timer === undefined) first = Date.now();
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange(first);
    }, debounce);
  };
  watcher.on('add', fire).on('change', fire).on('unlink', fire);
  const ready = new Promise<void>((resolve) =>
    watcher.once('ready', () => {
      resolve();
    }),
  );
  return {
    ready,
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

export const isManifestFile = (f: string): boolean => /\.(ya?ml|xml)$/i.test(path.basename(f));

/**
 * Every file of a folder (created if missing is not needed: chokidar watches a missing folder
 * until it appears), reported per file, debounced per file.
 */
export function watchFolder(
  folder: string,
  onFile: (file: string) => void,
  debounceMs = 30,
): { close(): Promise<void>; ready: Promise<void> } {
  const timers = new Map<string, NodeJS.Timeout>();
  const watcher: FSWatcher = watch(folder, { ignoreInitial: true, persistent: true, depth: 0 });
  const fire = (file: string): void => {
    if (!file.endsWith('.json')) return;
    clearTimeout(timers.get(file));
    timers.set(
      file,
      setTimeout(() => {
        timers.delete(file);
        onFile(file);
      }, debounceMs),
    );
  };
  watcher.on('add', fire).on('change', fire).on('unlink', fire);
  const ready = new Promise<void>((resolve) =>
    watcher.once('ready', () => {
      resolve();
    }),
  );
  return {
    ready,
    close: async () => {
      for (const t of timers.values()) clearTimeout(t);
      await watcher.close();
    },
  };
}

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

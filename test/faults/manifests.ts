/**
 * The round's manifest directory: written once at baseline, then edited the way an operator
 * edits it (one guest's file rewritten atomically, so `watch` never reads half a file), and
 * put back to baseline between trials.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FLEET, fleetGuest, guestYaml } from './fleet.js';

export class ManifestFiles {
  readonly dir: string;
  readonly #placement = new Map<string, readonly string[]>();

  constructor(dir: string) {
    this.dir = dir;
    for (const g of FLEET) this.#placement.set(g.name, g.hosts);
  }

  async writeAll(files: Record<string, string>): Promise<void> {
    for (const [name, content] of Object.entries(files)) await this.#write(name, content);
  }

  async #write(name: string, content: string): Promise<void> {
    const file = path.join(this.dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    // A dot-file is not a manifest (the loader skips it), and rename is atomic.
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
    await writeFile(tmp, content);
    await rename(tmp, file);
  }

  placement(guest: string): readonly string[] {
    return this.#placement.get(guest) ?? fleetGuest(guest).hosts;
  }

  async setPlacement(guest: string, hosts: readonly string[]): Promise<void> {
    this.#placement.set(guest, hosts);
    await this.#write(`guests/${guest}.yaml`, guestYaml(fleetGuest(guest), hosts));
  }

  /** Put every edited guest back to its baseline placement; the guests it rewrote. */
  async restoreBaseline(): Promise<string[]> {
    const changed: string[] = [];
    for (const g of FLEET) {
      if (this.placement(g.name).join() === g.hosts.join()) continue;
      await this.setPlacement(g.name, g.hosts);
      changed.push(g.name);
    }
    return changed;
  }
}

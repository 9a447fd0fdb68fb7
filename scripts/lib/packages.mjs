// The packages we publish: every workspace of the root package.json that is not private. Read from
// the manifests (not a hard-coded list) so a new package is linted, packed and tested as soon as it
// is added to the workspaces.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/** @returns {{ name: string, version: string, dir: string, manifest: Record<string, any> }[]} */
export function publishablePackages() {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return workspaces
    .map((ws) => {
      const dir = join(root, ws);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, version: manifest.version, dir, manifest };
    })
    .filter((p) => !p.manifest.private);
}

/** Whether the package offers a CommonJS entry (a `require` condition anywhere in its exports). */
export function hasRequireEntry(manifest) {
  return JSON.stringify(manifest.exports ?? {}).includes('"require"');
}

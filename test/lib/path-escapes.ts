// Finds references in a text to paths outside a folder (the repository root): relative paths
// whose `../` climb above it from the file's own folder, and absolute paths into the folder that
// holds the checkout (where sibling folders such as a shared reference would live).
import { dirname, resolve, sep } from 'node:path';

export interface Escape {
  line: number;
  text: string;
}

// A run of `../` that starts a path: at the start of a line, after a quote, bracket, space, `=`,
// `,` or a `file:` specifier. Not after a word character, `/` or `:` (URLs, version ranges).
const RELATIVE = /(?<=^|[\s'"`([{=,]|file:)(?:\.\/)?(?:\.\.\/)+[^\s'"`)\]}>,;]*/gm;

/** The absolute path `ref` points to when it leaves `root` (resolved from `fromDir`), else undefined. */
export function escapes(ref: string, fromDir: string, root: string): string | undefined {
  const target = resolve(fromDir, ref);
  return target === root || target.startsWith(root + sep) ? undefined : target;
}

export function findEscapes(text: string, fromDir: string, root: string): Escape[] {
  const hits: Escape[] = [];
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  for (const m of text.matchAll(RELATIVE)) {
    if (escapes(m[0], fromDir, root)) hits.push({ line: lineOf(m.index), text: m[0] });
  }
  const parent = dirname(root) + sep;
  if (parent !== sep) {
    let i = text.indexOf(parent);
    while (i !== -1) {
      const rest = text.slice(i).match(/^[^\s'"`)\]}>,;]*/)![0];
      if (escapes(rest, fromDir, root)) hits.push({ line: lineOf(i), text: rest });
      i = text.indexOf(parent, i + parent.length);
    }
  }
  return hits;
}

/**
 * `node:crypto`, loaded on first use. Importing it costs ~5 ms, a quarter of the SDK's cold import,
 * and an API call does not need it: only pushes, open data, signatures and uploads do.
 * `process.getBuiltinModule` (Node >= 20.16) hands over the built-in without a module loader;
 * older Node 20 releases take the CommonJS path.
 */
import { lazyRequire } from './lazy-require.js';

type NodeCrypto = typeof import('node:crypto');
let mod: NodeCrypto | undefined;

export function nodeCrypto(): NodeCrypto {
  mod ??=
    (process.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined) ?? (lazyRequire('node:crypto') as NodeCrypto);
  return mod;
}

/**
 * A synchronous `require` for dependencies loaded on first use (undici with the first request,
 * fast-xml-parser with the first XML document), so `import('@miniapp-server/sdk')` does not pay
 * for them. It resolves from this package, exactly as a static import would. The require function
 * itself is made on first use too: creating one starts node's CommonJS loader (~5 ms), which an
 * ESM import of the SDK would otherwise pay up front.
 */
import { createRequire } from 'node:module';

let req: NodeJS.Require | undefined;

export function lazyRequire(id: string): unknown {
  // scripts/build-package.mjs rewrites `import.meta.url` in dist/cjs to the file's own URL.
  // biome-ignore lint/suspicious/noTsIgnore: @ts-expect-error would fail the ESM build, which has no error here
  // @ts-ignore TS1343: `import.meta` does not compile for --module CommonJS (rewritten there, see above)
  req ??= createRequire(import.meta.url);
  return req(id);
}

/**
 * Serves the console's prebuilt assets (built by scripts/build-console.mjs into the package's
 * `dist/console/`) at `/__emulator/ui`. Nothing is fetched from anywhere else: the page works offline.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/** `dist/console/` of this package, from the source tree (src/console/) or the build (dist/esm/console/). */
export function consoleAssetsDir(): string {
  const candidates = [new URL('../../dist/console/', import.meta.url), new URL('../../console/', import.meta.url)];
  const found = candidates.find((u) => existsSync(new URL('index.html', u)));
  return fileURLToPath(found ?? (candidates[0] as URL));
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Emulator console</title>
<p>The console assets are not built. Run <code>npm run build</code> (or <code>npm run build -w packages/emulator</code>) and reload.</p>`;

/** Mounts `GET /__emulator/ui` (the page) and `GET /__emulator/ui/<asset>`. */
export function mountConsoleAssets(app: FastifyInstance): void {
  const dir = consoleAssetsDir();
  const send = async (name: string, reply: import('fastify').FastifyReply) => {
    if (!/^[\w-]+\.[a-z]+$/.test(name) || !TYPES[extname(name)])
      return reply.code(404).send({ error: 'no such asset' });
    try {
      const body = await readFile(`${dir}/${name}`);
      return reply
        .code(200)
        .header('content-type', TYPES[extname(name)])
        .header('cache-control', 'no-cache')
        .send(body);
    } catch {
      if (name === 'index.html')
        return reply.code(503).header('content-type', 'text/html; charset=utf-8').send(NOT_BUILT);
      return reply.code(404).send({ error: 'no such asset' });
    }
  };
  app.get('/__emulator/ui', (_req, reply) => send('index.html', reply));
  app.get('/__emulator/ui/', (_req, reply) => send('index.html', reply));
  app.get('/__emulator/ui/:name', (req, reply) => send((req.params as { name: string }).name, reply));
}

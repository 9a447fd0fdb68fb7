/**
 * Fastify adapter: `app.register(receiver.fastify(), { path: '/wechat/push' })`. The plugin is
 * encapsulated: inside it every content type is read as a raw Buffer, so Fastify never parses the
 * body, and the rest of the app keeps its own parsers.
 */
import type { PushReceiver } from '../receiver.js';
import { bodyConsumed, describeParsed, preRead } from './body.js';

export interface FastifyPluginOptions {
  /** The route the push URL points at. @default '/' */
  path?: string;
}

export function fastifyPlugin(receiver: PushReceiver) {
  return async (instance: any, opts: FastifyPluginOptions = {}): Promise<void> => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: receiver.maxBodyBytes },
      (_req: unknown, body: Buffer, done: (err: Error | null, body?: Buffer) => void) => done(null, body),
    );
    instance.route({
      // Every method reaches the receiver, which answers 405 itself (HEAD comes with GET).
      method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url: opts.path ?? '/',
      handler: async (request: any, reply: any) => {
        let body: Buffer | undefined;
        if (request.method === 'POST') {
          body = preRead(request) ?? (request.body === undefined ? Buffer.alloc(0) : undefined);
        }
        const url: string = request.raw.url ?? '/';
        const q = url.indexOf('?');
        const response =
          request.method === 'POST' && body === undefined
            ? bodyConsumed(receiver, describeParsed(request.body)).response
            : await receiver.handle({
                method: request.method,
                query: q === -1 ? '' : url.slice(q + 1),
                headers: request.headers,
                body,
              });
        reply.code(response.status).headers(response.headers).send(response.body);
        return reply;
      },
    });
  };
}

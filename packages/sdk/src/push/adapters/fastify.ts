/**
 * Fastify adapter: `app.register(receiver.fastify(), { path: '/wechat/push' })`. The plugin is
 * encapsulated: inside it every content type is read raw by the receiver's own reader (size limit,
 * deadline, read failures answered quietly), so Fastify never parses the body, and the rest of the
 * app keeps its own parsers.
 */
import type { IncomingMessage } from 'node:http';
import type { PushEndpoint, PushResponse } from '../http.js';
import {
  bodyConsumed,
  type BodyResult,
  declaredTooLarge,
  describeParsed,
  preRead,
  readNodeStream,
  refuseDeclared,
} from './body.js';
import { closeAfterResponse } from './node.js';

export interface FastifyPluginOptions {
  /** The route the push URL points at. @default '/' */
  path?: string;
}

/** Where the parser leaves a refusal for the route handler (a body parser cannot send a response). */
const REFUSED = Symbol('miniapp push refusal');

export function fastifyPlugin(endpoint: PushEndpoint) {
  return async (instance: any, opts: FastifyPluginOptions = {}): Promise<void> => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser(
      '*',
      (request: any, payload: IncomingMessage, done: (err: Error | null, body?: Buffer) => void) => {
        const got: Promise<BodyResult> = declaredTooLarge(request.headers['content-length'], endpoint.maxBodyBytes)
          ? Promise.resolve(refuseDeclared(endpoint))
          : readNodeStream(payload, endpoint);
        void got.then((r) => {
          if ('body' in r) return done(null, r.body);
          request[REFUSED] = r;
          done(null, Buffer.alloc(0));
        });
      },
    );
    instance.route({
      // Every method reaches the receiver, which answers 405 itself (HEAD comes with GET).
      method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url: opts.path ?? '/',
      handler: async (request: any, reply: any) => {
        const refused = request[REFUSED] as { response: PushResponse; close?: boolean } | undefined;
        if (refused) {
          if (request.raw.socket?.destroyed) return reply.hijack();
          if (refused.close) closeAfterResponse(reply.raw);
          reply.code(refused.response.status).headers(refused.response.headers).send(refused.response.body);
          return reply;
        }
        let body: Buffer | undefined;
        if (request.method === 'POST') {
          body = preRead(request) ?? (request.body === undefined ? Buffer.alloc(0) : undefined);
        }
        const url: string = request.raw.url ?? '/';
        const q = url.indexOf('?');
        const response =
          request.method === 'POST' && body === undefined
            ? bodyConsumed(endpoint, describeParsed(request.body)).response
            : await endpoint.handle({
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

/**
 * The console's live feed: `GET /__emulator/events` is a server-sent-event stream of change
 * notices `{ topic, data }`. Topics come from the request log (`request`), admin routes (their
 * topic, by default the first path segment: `users`, `clock`, `ocr`…), the core's in-process
 * admin methods, and every `AreaContext.emit(event, payload)` (topic = the event name,
 * e.g. `push.delivery`). Payloads pass through the admin secret mask.
 */
import type { FastifyInstance } from 'fastify';
import { maskSecrets } from '../admin/mask.js';

export interface ChangeNotice {
  topic: string;
  data?: unknown;
}

/** A comment line every 15 s keeps proxies and idle timeouts from closing the stream. */
const KEEPALIVE_MS = 15_000;
/** Largest `data` forwarded; bigger payloads are sent as `{ truncated: true }` (pages refetch anyway). */
const MAX_DATA_CHARS = 64 * 1024;

export class ConsoleEvents {
  private readonly clients = new Set<(chunk: string) => void>();
  private seq = 0;

  /** Sends a change notice to every connected console. Never throws. */
  publish(topic: string, data?: unknown): void {
    if (this.clients.size === 0) return;
    let json: string;
    try {
      json = JSON.stringify({ topic, data: maskSecrets(data) });
      if (json.length > MAX_DATA_CHARS) json = JSON.stringify({ topic, data: { truncated: true } });
    } catch {
      json = JSON.stringify({ topic });
    }
    const chunk = `id: ${++this.seq}\ndata: ${json}\n\n`;
    for (const send of this.clients) send(chunk);
  }

  get connections(): number {
    return this.clients.size;
  }

  /** Mounts `GET /__emulator/events`. */
  mount(app: FastifyInstance): void {
    app.get('/__emulator/events', (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 1000\n\n');
      const send = (chunk: string) => {
        if (!res.writableEnded) res.write(chunk);
      };
      const keepalive = setInterval(() => send(': keepalive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
      this.clients.add(send);
      const done = () => {
        clearInterval(keepalive);
        this.clients.delete(send);
      };
      req.raw.on('close', done);
      res.on('error', done);
    });
  }
}

// One worker of the cluster proof (cluster.test.ts): a MiniApp client sharing its tokens through
// RedisTokenStore, driven by the parent over IPC. Run with
// `node --conditions=@miniapp-server/source --import tsx cluster-worker.ts`.
import { type ApiError, MiniApp, PushReceiver, type PushRequest } from '@miniapp-server/sdk';
import { RedisDedupeStore, RedisTokenStore } from '@miniapp-server/redis';
import { Redis } from 'ioredis';

type Command =
  | { cmd: 'burst'; id: number; calls: number }
  | { cmd: 'status'; id: number }
  | { cmd: 'push'; id: number; push: PushRequest }
  | { cmd: 'exit'; id: number };

const env = process.env;
const send = (m: Record<string, unknown>) => process.send?.(m);

// Anything that escapes is a failure of the proof: report it instead of dying silently.
for (const kind of ['unhandledRejection', 'uncaughtException'] as const) {
  process.on(kind, (e: unknown) =>
    send({ type: 'problem', kind, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
}

const warnings: string[] = [];
const logger = { warn: (m: string) => warnings.push(m), info: () => {} };

const redis = new Redis(Number(env.REDIS_PORT), '127.0.0.1');
const store = new RedisTokenStore({ redis, logger });
const app = new MiniApp({
  appId: env.APPID!,
  appSecret: env.SECRET!,
  baseUrl: env.EMU_URL!,
  tokenMode: (env.TOKEN_MODE as 'stable' | 'classic') ?? 'stable',
  tokenStore: store,
  logger,
});

// Push receiver sharing its dedupe claims through Redis. A message whose Content is
// `fail-on-worker-<n>` makes worker n's handler throw (so the receiver releases the claim).
const receiver = new PushReceiver({
  token: env.PUSH_TOKEN!,
  encodingAESKey: env.PUSH_AES_KEY!,
  appId: env.APPID!,
  dedupe: new RedisDedupeStore({ redis, logger }),
  logger: { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) },
});
receiver.on('text', (message) => {
  const content = String((message as { Content?: unknown }).Content);
  if (content === `fail-on-worker-${env.WORKER_INDEX}`) {
    send({ type: 'handled', worker: env.WORKER_INDEX, msgId: String(message.MsgId), ok: false });
    throw new Error('handler failed on purpose');
  }
  send({ type: 'handled', worker: env.WORKER_INDEX, msgId: String(message.MsgId), ok: true });
});

async function burst(calls: number) {
  const results = await Promise.allSettled(
    Array.from({ length: calls }, () =>
      app.auth.getPaidUnionId({ openid: env.OPENID!, transaction_id: env.TRANSACTION_ID! }),
    ),
  );
  let ok = 0;
  const errors = new Set<string>();
  for (const r of results) {
    if (r.status === 'fulfilled' && r.value.unionid === env.UNIONID) ok++;
    else if (r.status === 'rejected') {
      const e = r.reason as ApiError;
      errors.add(`${e?.name}: ${e?.errcode ?? ''} ${e?.message}`);
    } else errors.add(`unexpected result ${JSON.stringify(r.value)}`);
  }
  return { ok, failed: calls - ok, errors: [...errors].slice(0, 5) };
}

process.on('message', async (m: Command) => {
  try {
    if (m.cmd === 'burst') send({ id: m.id, ...(await burst(m.calls)) });
    else if (m.cmd === 'push') {
      const res = await receiver.handle(m.push);
      send({ id: m.id, status: res.status });
    } else if (m.cmd === 'status') send({ id: m.id, redis: redis.status, warnings: warnings.splice(0) });
    else if (m.cmd === 'exit') {
      await app.close();
      redis.disconnect();
      send({ id: m.id });
      process.disconnect();
    }
  } catch (e) {
    send({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});

redis.once('ready', () => send({ type: 'ready' }));

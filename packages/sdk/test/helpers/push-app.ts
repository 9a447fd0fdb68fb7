// An app backend for push tests: a real HTTP server running the SDK's PushReceiver, wired to an
// emulator app's push config (safe mode), recording every push it receives in arrival order.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorHandle } from '@miniapp-server/emulator';
import { type PushMessage, PushReceiver } from '@miniapp-server/sdk';

const TOKEN = 'push-app-token';
const KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';

export interface PushApp {
  receiver: PushReceiver;
  /** Every push the handlers saw, oldest first (duplicates would show twice). */
  received: PushMessage[];
  /** Switches the app's push format. */
  format(format: 'xml' | 'json'): void;
  /** Resolves with the first received push after index `from` that satisfies `pred`. */
  waitFor(pred: (m: PushMessage) => boolean, from?: number): Promise<PushMessage>;
  close(): Promise<void>;
}

export async function startPushApp(emu: EmulatorHandle, format: 'xml' | 'json' = 'xml'): Promise<PushApp> {
  const received: PushMessage[] = [];
  const receiver = new PushReceiver({
    token: TOKEN,
    appId: emu.defaultApp.appid,
    encodingAESKey: KEY,
    requireEncryption: true,
    now: () => emu.clock.nowMs(),
    logger: { warn() {}, error() {} },
  });
  receiver.onAny((m) => void received.push(m));
  const server: Server = createServer(receiver.nodeHandler());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
  const configure = (f: 'xml' | 'json') =>
    emu.updateApp(emu.defaultApp.appid, { push: { url, token: TOKEN, encodingAESKey: KEY, mode: 'safe', format: f } });
  configure(format);
  return {
    receiver,
    received,
    format: configure,
    async waitFor(pred, from = 0) {
      for (let i = 0; i < 400; i++) {
        const hit = received.slice(from).find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('push not received within 10 s');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

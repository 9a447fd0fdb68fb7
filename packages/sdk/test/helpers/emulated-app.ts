// An emulator with a frozen virtual clock and a MiniApp client on its default app, sharing that clock.
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import { MiniApp, type MiniAppOptions } from '@miniapp-server/sdk';

/** 2023-11-14T22:13:20Z. */
export const T0 = 1_700_000_000;

export async function emulatedApp(
  options: Partial<MiniAppOptions> = {},
): Promise<{ emu: EmulatorHandle; app: MiniApp; close(): Promise<void> }> {
  const emu = await startEmulator({ port: 0, clock: { start: T0, frozen: true } });
  const app = new MiniApp({
    appId: emu.defaultApp.appid,
    appSecret: emu.defaultApp.secret,
    baseUrl: emu.url,
    clock: { now: () => emu.clock.nowMs() },
    ...options,
  });
  return {
    emu,
    app,
    async close() {
      await app.close();
      await emu.close();
    },
  };
}

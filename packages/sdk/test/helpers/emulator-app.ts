// An emulator on a frozen virtual clock and a MiniApp pointed at it that shares that clock (no retries).
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';
import { MiniApp } from '@miniapp-server/sdk';

export const T0 = 1_700_000_000;

export async function startEmulatorApp(): Promise<{ emu: EmulatorHandle; app: MiniApp }> {
  const emu = await startEmulator({ port: 0, clock: { start: T0, frozen: true } });
  const app = new MiniApp({
    appId: emu.defaultApp.appid,
    appSecret: emu.defaultApp.secret,
    baseUrl: emu.url,
    maxRetries: 0,
    clock: { now: () => emu.clock.nowMs() },
  });
  return { emu, app };
}

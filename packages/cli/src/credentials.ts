import { MiniApp, type TokenMode } from '@miniapp-server/sdk';

/**
 * Builds a MiniApp from flags (--appid, --secret, --base-url, --token-mode) or the environment
 * (MINIAPP_APPID, MINIAPP_SECRET, MINIAPP_BASE_URL, MINIAPP_TOKEN_MODE). The secret is never printed.
 */
export function clientFrom(values: Record<string, unknown>, env: NodeJS.ProcessEnv): MiniApp {
  const appId = (values.appid as string | undefined) ?? env.MINIAPP_APPID;
  const appSecret = (values.secret as string | undefined) ?? env.MINIAPP_SECRET;
  const baseUrl = (values['base-url'] as string | undefined) ?? env.MINIAPP_BASE_URL;
  const tokenMode = ((values['token-mode'] as string | undefined) ?? env.MINIAPP_TOKEN_MODE ?? 'stable') as TokenMode;
  if (!appId) throw new Error('no appid: pass --appid or set MINIAPP_APPID');
  if (!appSecret) throw new Error('no secret: pass --secret or set MINIAPP_SECRET');
  return new MiniApp({ appId, appSecret, baseUrl, tokenMode });
}

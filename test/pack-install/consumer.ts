// A user's backend, compiled and run by test/pack-install.test.ts in a project of its own that
// installed our packed tarballs: tsc --strict without skipLibCheck (nodenext and bundler
// resolution) must accept it, and the nodenext build must run.
import { startEmulator, type EmulatorHandle } from '@miniapp-server/emulator';
import { RedisTokenStore } from '@miniapp-server/redis';
import {
  type Code2SessionResult,
  createSignedPush,
  MiniApp,
  type MiniAppOptions,
  PushReceiver,
  type TextMessage,
  ValidationError,
} from '@miniapp-server/sdk';

const emu: EmulatorHandle = await startEmulator({ port: 0 });
try {
  const { appid, secret } = emu.defaultApp;
  const user = emu.createUser({ nickname: 'pack-install' });
  const { code } = emu.createLoginCode({ openid: user.openid });

  const options: MiniAppOptions = { appId: appid, appSecret: secret, baseUrl: emu.url };
  const app = new MiniApp(options);
  const session: Code2SessionResult = await app.auth.code2Session({ js_code: code });
  const token: string = await app.accessToken();

  let invalid = '';
  try {
    // @ts-expect-error js_code is required: the types say so, and the SDK refuses before sending
    await app.auth.code2Session({});
  } catch (err) {
    if (err instanceof ValidationError) invalid = err.name;
  }

  const receiver = new PushReceiver({ token: 'pack-token', appId: appid });
  const heard: string[] = [];
  receiver.on('text', (msg) => {
    const typed: TextMessage = msg; // narrowed by the event name
    heard.push(typed.Content);
  });
  const push = createSignedPush({
    token: 'pack-token',
    appId: appid,
    message: {
      ToUserName: 'gh_pack',
      FromUserName: user.openid,
      CreateTime: 1,
      MsgType: 'text',
      Content: 'hi',
      MsgId: '1',
    },
  });
  const reply = await receiver.handle(push);

  // The Redis store type-checks against the SDK's TokenStore (constructing it needs no server).
  const storeType: typeof RedisTokenStore.prototype.get = RedisTokenStore.prototype.get;

  await app.close();
  console.log(
    JSON.stringify({
      openid: session.openid === user.openid,
      invalid,
      pushStatus: reply.status,
      heard,
      token: token.length > 0,
      tokenRequests: emu.tokenRequestCount(),
      store: typeof storeType,
    }),
  );
} finally {
  await emu.close();
}

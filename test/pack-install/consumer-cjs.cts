// The CommonJS side of the consumer: `require` of the SDK and the Redis package, with their
// CommonJS type declarations (dist/cjs/*.d.ts).
import redis = require('@miniapp-server/redis');
import sdk = require('@miniapp-server/sdk');

const app = new sdk.MiniApp({ appId: 'wx0000000000000000', appSecret: 'x'.repeat(32) });
// Typed, not called: this file makes no request.
const fetchToken: () => Promise<string> = () => app.accessToken();
const prefix: string = redis.DEFAULT_KEY_PREFIX;
console.log(
  JSON.stringify({
    MiniApp: typeof sdk.MiniApp,
    code2Session: sdk.endpoints.auth.code2Session.path,
    ValidationError: new sdk.ValidationError('x') instanceof sdk.MiniAppError,
    RedisTokenStore: typeof redis.RedisTokenStore,
    prefix,
    fetchToken: typeof fetchToken,
  }),
);
void app.close();

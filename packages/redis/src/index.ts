// Public exports of @miniapp-server/redis. Nothing else is public.
export { RedisTokenStore, type RedisTokenStoreOptions } from './token-store.js';
export type { RedisTokenLock, RedisTokenLockOptions } from './lock.js';
export { RedisDedupeStore, type RedisDedupeStoreOptions } from './dedupe-store.js';
export type { RedisClient, RedisConnectionOptions, RedisStoreLogger } from './connection.js';
export { DEFAULT_KEY_PREFIX } from './keys.js';

// Token buckets on Redis, shared by every backend process: one round trip (a Lua script) per request.
import { Redis } from 'ioredis';
import { refillMs, type BucketPolicy } from './token-bucket.js';
import type { BucketStore } from './bucket-store.js';

/**
 * token-bucket.ts's takeToken in Lua, on Redis's own clock (TIME) so processes with different
 * clocks agree. KEYS[1] the bucket; ARGV ratePerSecond, burst, the key's lifetime in ms.
 * Returns 0 (allowed) or the milliseconds until a token is back.
 */
const TAKE_TOKEN_LUA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = burst
if stored[1] then
  tokens = math.min(burst, tonumber(stored[1]) + math.max(0, now - tonumber(stored[2])) * rate / 1000)
end
if tokens < 1 then
  return math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', now)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 0
`;

const KEY_PREFIX = 'baton:rate:';
/** A hung Redis must not hold a request: after this the limiter fails open (rate-limits.ts). */
const COMMAND_TIMEOUT_MS = 250;

type ScriptedRedis = Redis & { batonTakeToken(key: string, ratePerSecond: number, burst: number, ttlMs: number): Promise<number> };

/** Connects at once; the first calls wait for that first attempt, later ones reject at once while Redis is down. */
export function createRedisBucketStore(url: string): BucketStore {
  const redis = new Redis(url, {
    lazyConnect: true,
    // Fail fast while disconnected instead of queueing: the caller fails open.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 3000,
    retryStrategy: (attempt: number) => Math.min(attempt * 250, 2000),
  }) as ScriptedRedis;
  // Connection errors surface as rejected commands; the event bus already logs Redis going away.
  redis.on('error', () => undefined);
  redis.defineCommand('batonTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN_LUA });
  // So the first requests after start are limited rather than waved through while connecting.
  const firstConnect = redis.connect().catch(() => undefined);
  return {
    async take(key, policy) {
      await firstConnect;
      // Idle keys expire once the bucket would be full again: Redis holds only active credentials.
      return redis.batonTakeToken(`${KEY_PREFIX}${key}`, policy.ratePerSecond, policy.burst, refillMs(policy) + 1000);
    },
    async close() {
      redis.disconnect();
    },
  };
}

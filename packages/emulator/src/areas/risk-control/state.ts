/** The risk-control area's slice: risk ranks, permissions, test quota, the key secret, issued encrypted data. */

export interface RiskSlice {
  /** `appid|openid` → risk_rank (0–4). Unlisted users rank 0. */
  ranks: Record<string, number>;
  /** Apps without the 安全风控接口 permission (48001). */
  unauthorized: Record<string, boolean>;
  /** Test calls (`is_test: true`) per app before 9410009. @default 100 */
  testQuota: number;
  testCalls: Record<string, number>;
  /** The next `unoin_id` (request id; beyond 2^31 like real ones). */
  nextUnoinId: number;
  /** Derives the hourly user encrypt keys; random per emulator, kept in snapshots. */
  keySecret: string;
  /** sha256 hex of encryptedData the emulator produced → who and when. */
  encrypted: Record<string, { appid: string; openid: string; create_time: number }>;
}

export function initialSlice(randomHex: (bytes: number) => string): RiskSlice {
  return {
    ranks: {},
    unauthorized: {},
    testQuota: 100,
    testCalls: {},
    nextUnoinId: 2_258_658_297,
    keySecret: randomHex(32),
    encrypted: {},
  };
}

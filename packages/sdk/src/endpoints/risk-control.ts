/**
 * Risk control (安全风控, PROTOCOL.md §18.1): a user's risk rank for a registration, a marketing
 * action or user-generated content. Needs the permission applied for in the MP console (48001 otherwise).
 */
import { type Envelope, defineArea, endpoint } from '../core/endpoint.js';
import { checkParams, fail, optionalString, requireString } from '../internal/validate.js';

/** `scene` of getUserRiskRank. */
export const RiskScene = {
  /** 注册 */
  REGISTER: 0,
  /** 营销作弊 */
  MARKETING: 1,
  /** UGC (newer doc only) */
  UGC: 2,
} as const;

export interface GetUserRiskRankParams {
  /** The mini program's appid. */
  appid: string;
  openid: string;
  scene: 0 | 1 | 2;
  /** The user's IP address. */
  client_ip: string;
  mobile_no?: string;
  email_address?: string;
  extended_info?: string;
  /** true = test call (test quota; 9410009 when spent). Omitted when not given. */
  is_test?: boolean;
  /** Sent by the official examples, not in the table. */
  bank_card_no?: string;
  cert_no?: string;
}

export interface GetUserRiskRankResult extends Envelope {
  /** 0–4, higher is riskier. */
  risk_rank: number;
  /**
   * The request id, spelled `unoin_id` exactly as WeChat sends it. Not a unionid. Beyond 2^31
   * (e.g. 2258658297), still a safe JS integer.
   */
  unoin_id: number;
}

export const riskControl = defineArea('riskControl', {
  /** A user's risk rank (0–4) for a scene. Success errmsg is `getuserriskrank succ`. */
  getUserRiskRank: endpoint<GetUserRiskRankParams, GetUserRiskRankResult>({
    method: 'POST',
    path: '/wxa/getuserriskrank',
    security: 'supported', // PROTOCOL §15.7
    auth: 'access_token',
    request: 'json',
    response: 'json',
    idempotent: true,
    doc: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/sec-center/safety-control-capability/api_getuserriskrank.html',
    validate: (p) => {
      const api = 'riskControl.getUserRiskRank';
      checkParams(api, p);
      requireString(api, p, 'appid');
      requireString(api, p, 'openid');
      if (p.scene !== 0 && p.scene !== 1 && p.scene !== 2) fail(api, 'scene', '`scene` must be 0, 1 or 2 (RiskScene)');
      requireString(api, p, 'client_ip');
      for (const f of ['mobile_no', 'email_address', 'extended_info', 'bank_card_no', 'cert_no'])
        optionalString(api, p, f);
      if (p.is_test !== undefined && typeof p.is_test !== 'boolean')
        fail(api, 'is_test', '`is_test` must be a boolean');
    },
  }),
});

/**
 * Which calls the API security layer covers (PROTOCOL §15.7), by the emulator's own reading of the
 * protocol. GET calls and calls answering bytes (codes) are never secured: how WeChat would encrypt
 * them is unknown (§15.7.5).
 */

/** 同城配送: always required, even with API加密 switched off (934011). */
export const REQUIRED_PREFIX = '/cgi-bin/express/intracity/';

/** The optional list (§15.7.2), minus the code endpoints that answer an image. */
export const SUPPORTED_PATHS: ReadonlySet<string> = new Set([
  '/cgi-bin/clear_quota',
  '/cgi-bin/openapi/quota/get',
  '/cgi-bin/openapi/rid/get',
  '/wxa/getpluginopenpid',
  '/wxa/business/checkencryptedmsg',
  '/wxa/business/getuserencryptkey',
  '/wxa/business/getuserphonenumber',
  '/cgi-bin/message/custom/send',
  '/cgi-bin/message/wxopen/updatablemsg/send',
  '/wxaapi/newtmpl/deltemplate',
  '/cgi-bin/message/subscribe/send',
  '/wxaapi/newtmpl/addtemplate',
  '/wxa/msg_sec_check',
  '/wxa/media_check_async',
  '/wxa/getuserriskrank',
  ...[
    'weeklyretaininfo',
    'monthlyretaininfo',
    'dailyretaininfo',
    'monthlyvisittrend',
    'dailyvisittrend',
    'weeklyvisittrend',
    'dailysummarytrend',
    'visitpage',
    'userportrait',
    'visitdistribution',
  ].map((s) => `/datacube/getweanalysisappid${s}`),
  '/wxa/business/performance/boot',
  '/wxa/getwxadevinfo',
  '/wxaapi/log/get_performance',
  '/wxaapi/log/jserr_detail',
  '/wxaapi/log/jserr_list',
  '/wxa/devplugin',
  '/wxa/plugin',
  '/cgi-bin/express/business/account/getall',
  '/cgi-bin/express/business/delivery/getall',
  '/cgi-bin/express/business/printer/getall',
  '/wxa/servicemarket',
  '/cgi-bin/soter/verify_signature',
]);

/** `required`, `supported` or undefined for a POST path. */
export function securityOf(method: string, path: string): 'required' | 'supported' | undefined {
  if (method !== 'POST') return undefined;
  if (path.startsWith(REQUIRED_PREFIX)) return 'required';
  return SUPPORTED_PATHS.has(path) ? 'supported' : undefined;
}

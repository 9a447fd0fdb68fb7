/**
 * The `wxa_media_check` push (PROTOCOL §16.3.1 v2, §16.3.2 v1) for a check whose time has come:
 * a registered URL gets its verdict, an unknown one the download failure (-1008; v1 sends it as
 * the unsigned 4294966288).
 */
import type { EmuApp } from '../../context.js';
import { checkMedia } from './rules.js';
import type { CheckRecord, SecuritySlice } from './state.js';

/** FromUserName of content-security pushes (the platform's push service; a fixed id here). */
export const PLATFORM_SENDER = 'o4_t144jTUSEoxydysUA2E234_tc';
export const DOWNLOAD_FAILED = -1008;

export function mediaCheckPush(
  slice: SecuritySlice,
  app: EmuApp,
  check: CheckRecord,
  now: number,
): { message: Record<string, unknown>; errcode: number; verdict?: CheckRecord['verdict'] } {
  const media = slice.media[check.media_url ?? ''];
  const verdict = media ? checkMedia(slice, media) : undefined;
  const errcode = verdict ? 0 : DOWNLOAD_FAILED;
  const head = {
    ToUserName: app.originalId,
    FromUserName: PLATFORM_SENDER,
    CreateTime: now,
    MsgType: 'event',
    Event: 'wxa_media_check',
  };
  if (check.version === 1) {
    return {
      errcode,
      verdict,
      message: {
        ...head,
        isrisky: verdict?.result.suggest === 'risky' ? 1 : 0,
        extra_info_json: '',
        appid: app.appid,
        trace_id: check.trace_id,
        status_code: errcode >>> 0,
        detail: [],
      },
    };
  }
  return {
    errcode,
    verdict,
    message: {
      ...head,
      appid: app.appid,
      trace_id: check.trace_id,
      version: 2,
      detail: verdict?.detail ?? [],
      errcode,
      errmsg: verdict ? 'ok' : 'download media failed',
      ...(verdict ? { result: verdict.result } : {}),
    },
  };
}

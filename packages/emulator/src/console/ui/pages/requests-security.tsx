/**
 * The request log's view of a secured call (API security, PROTOCOL §15): the envelope received and
 * sent beside the decrypted request and response, and the check that refused it. Keys never reach
 * the log; the emulator records only what is safe to show.
 */
import { defineStrings, useT } from '../lib/i18n.js';
import { Badge, JsonView } from '../lib/ui.js';

const strings = defineStrings({
  en: {
    secured: 'secured',
    refused: 'refused: {check} ({errcode})',
    envelope: 'Envelope received',
    decrypted: 'Decrypted request',
    response: 'Response (before sealing)',
    sealed: 'Envelope sent',
    fault: 'response fault: {fault}',
  },
  zh: {
    secured: '已加密签名',
    refused: '被拒绝：{check}（{errcode}）',
    envelope: '收到的密文',
    decrypted: '解密后的请求',
    response: '应答（加密前）',
    sealed: '发出的密文',
    fault: '应答故障：{fault}',
  },
});

/** What the api-security area records in a log entry's `security`. */
export interface SecurityNote {
  kind?: 'required' | 'supported';
  envelope?: { headers: Record<string, string | undefined>; body: string };
  request?: unknown;
  response?: unknown;
  responseEnvelope?: { headers: Record<string, string>; body: string };
  failed?: { check: string; errcode: number };
  responseFault?: string;
}

/** A badge for the log row. */
export function SecurityBadge(props: { note: SecurityNote }) {
  const t = useT(strings);
  const f = props.note.failed;
  return f ? (
    <Badge tone="err">{t('refused', { check: f.check, errcode: f.errcode })}</Badge>
  ) : (
    <Badge tone="info">🔒 {t('secured')}</Badge>
  );
}

/** The detail: envelopes beside their plaintexts. */
export function SecuredCall(props: { note: SecurityNote }) {
  const t = useT(strings);
  const n = props.note;
  const parsed = (text: string | undefined) => {
    try {
      return text ? JSON.parse(text) : text;
    } catch {
      return text;
    }
  };
  return (
    <div class="secured-call" data-testid="secured-call">
      <p>
        <SecurityBadge note={n} />{' '}
        {n.responseFault && <Badge tone="warn">{t('fault', { fault: n.responseFault })}</Badge>}
      </p>
      <div class="grid-2">
        <div>
          <h3 class="field-label">{t('envelope')}</h3>
          <JsonView value={{ headers: n.envelope?.headers, body: parsed(n.envelope?.body) }} />
        </div>
        <div data-testid="secured-request">
          <h3 class="field-label">{t('decrypted')}</h3>
          <JsonView value={n.request ?? '—'} />
        </div>
        {n.response !== undefined && (
          <div data-testid="secured-response">
            <h3 class="field-label">{t('response')}</h3>
            <JsonView value={n.response} />
          </div>
        )}
        {n.responseEnvelope && (
          <div>
            <h3 class="field-label">{t('sealed')}</h3>
            <JsonView value={{ headers: n.responseEnvelope.headers, body: parsed(n.responseEnvelope.body) }} />
          </div>
        )}
      </div>
    </div>
  );
}

import { redact } from '@miniapp-server/sdk';

/** One line describing an error, secrets redacted (errors from the SDK are already redacted). */
export function errorLine(err: unknown): string {
  const e = err as { name?: string; message?: string };
  const msg = e?.message ?? String(err);
  return `miniapp: ${redact(msg.split('\n')[0])}`;
}

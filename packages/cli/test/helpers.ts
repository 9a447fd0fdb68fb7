import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { main } from '@miniapp-server/cli';

/** A Writable that keeps what was written. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/**
 * Runs `miniapp <argv>` in process through `main(argv, io)` and asserts that neither the secret
 * nor an access_token was printed.
 */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  secret: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr, env });
  for (const text of [stdout.text, stderr.text]) {
    assert.ok(!text.includes(secret), 'the secret is never printed');
    assert.ok(!/access_token=[^*&\s]/.test(text), 'no access_token is printed');
  }
  return { code, stdout: stdout.text, stderr: stderr.text };
}

import assert from 'node:assert/strict';

/** Asserts that no secret value appears in an error's message, stack or JSON form. */
export function assertNoSecrets(err: unknown, secrets: Array<string | undefined>): void {
  const e = err as Error;
  const text = `${e?.message}\n${e?.stack}\n${JSON.stringify(e)}`;
  for (const s of secrets) if (s) assert.ok(!text.includes(s), `secret leaked in: ${e?.message}`);
}

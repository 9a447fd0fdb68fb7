import assert from 'node:assert/strict';
import { ApiError } from '@miniapp-server/sdk';

/** Awaits `p`, asserts it rejected with an instance of `cls`, and returns the error. */
export async function rejectsWith<T extends Error>(p: Promise<unknown>, cls: new (...args: any[]) => T): Promise<T> {
  const err = await p.then(
    () => assert.fail(`expected ${cls.name}, got success`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
  return err;
}

/** Asserts `p` rejected with an ApiError (with `errcode`, when given) and returns it. */
export async function apiError(p: Promise<unknown>, errcode?: number): Promise<ApiError> {
  const err = await rejectsWith(p, ApiError);
  if (errcode !== undefined) assert.equal(err.errcode, errcode, err.message);
  return err;
}

// redact(text) and redactValue(value): the one masking rule, for text and for parsed values.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MiniApp, redact, redactValue } from '@miniapp-server/sdk';

it('redact masks secrets in query strings and JSON text, and leaves other text alone', () => {
  assert.equal(
    redact('/cgi-bin/token?grant_type=x&appid=wx1&secret=abc123'),
    '/cgi-bin/token?grant_type=x&appid=wx1&secret=***',
  );
  assert.equal(redact('a access_token=T1 b'), 'a access_token=*** b');
  assert.equal(redact('{"session_key":"k\\"q","openid":"o"}'), '{"session_key":"***","openid":"o"}');
  assert.equal(redact('{"password":123}'), '{"password":"***"}');
  assert.equal(redact('openid o1, no secrets'), 'openid o1, no secrets');
  assert.equal(redact(''), '');
});

it('redactValue masks a secret key whatever its value holds, at any depth, and keeps the rest', () => {
  const input = {
    appid: 'wx1',
    secret: 'abc',
    signature: { a: 1, b: [2, 3] },
    password: [1, 2],
    access_token: 42,
    list: [{ session_key: { k: 'v' } }, { note: 'x=1&access_token=zz' }, 'plain', 7, true, null],
    text: '{"secret":"s1"}',
  };
  const before = structuredClone(input);
  assert.deepEqual(redactValue(input), {
    appid: 'wx1',
    secret: '***',
    signature: '***',
    password: '***',
    access_token: '***',
    list: [{ session_key: '***' }, { note: 'x=1&access_token=***' }, 'plain', 7, true, null],
    text: '{"secret":"***"}',
  });
  assert.deepEqual(input, before, 'the input is not modified');
  // The text rule on JSON text cannot do this: it stops at the first comma of an object value.
  assert.throws(() => JSON.parse(redact(JSON.stringify({ signature: { a: 1, b: 2 } }))));
});

it('redactValue masks registered secret values inside any string, keys included', () => {
  const appSecret = 'registered-secret-value-9f8e7d';
  new MiniApp({ appId: 'wx0123456789abcdef', appSecret }); // registers its appsecret with the redactor
  assert.deepEqual(redactValue({ note: `the secret is ${appSecret}!`, [appSecret]: 1, deep: [[appSecret]] }), {
    note: 'the secret is ***!',
    '***': 1,
    deep: [['***']],
  });
  assert.equal(redactValue(`x ${appSecret}`), 'x ***');
});

it('redactValue gives what JSON would carry: toJSON, undefined and functions dropped, bigint as text', () => {
  const out = redactValue({
    when: new Date(0),
    bytes: Buffer.from([1, 2]),
    gone: undefined,
    fn: () => 1,
    big: 12345678901234567890n,
    nan: Number.NaN,
    arr: [undefined, () => 1],
  });
  assert.deepEqual(out, {
    when: '1970-01-01T00:00:00.000Z',
    bytes: { type: 'Buffer', data: [1, 2] },
    big: '12345678901234567890',
    nan: null,
    arr: [null, null],
  });
  assert.equal(redactValue(undefined), null);
});

it('redactValue keeps an own "__proto__" key as data and survives cycles', () => {
  const parsed = JSON.parse('{"__proto__":{"secret":"s"},"a":1}');
  const out = redactValue(parsed) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { secret: '***' });
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const cut = JSON.stringify(redactValue(cyclic));
  assert.ok(cut.includes('[too deep]'));
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type Endpoint, endpoints } from '@miniapp-server/sdk';

const official: Array<{ name: string; method: string; path: string; auth: string; request: string; response: string }> =
  JSON.parse(readFileSync(new URL('./fixtures/endpoints.json', import.meta.url), 'utf8'));
const byName = new Map(official.map((e) => [e.name, e]));

const implemented: Endpoint[] = Object.values(endpoints).flatMap((t) => Object.values(t as Record<string, Endpoint>));

test('every implemented endpoint matches the official inventory (name, method, path, auth, encoding, response)', () => {
  assert.ok(implemented.length >= 7);
  for (const ep of implemented) {
    const o = byName.get(ep.name);
    assert.ok(o, `${ep.name} is not in endpoints.json`);
    assert.equal(ep.method, o.method, `${ep.name} method`);
    assert.equal(ep.path, o.path, `${ep.name} path`);
    assert.equal(ep.auth, o.auth, `${ep.name} auth`);
    assert.equal(ep.request, o.request, `${ep.name} request encoding`);
    assert.equal(ep.response, o.response, `${ep.name} response kind`);
    assert.match(ep.doc, /^https:\/\/(developers\.weixin\.qq\.com|mp\.weixin\.qq\.com)\//, `${ep.name} doc link`);
    assert.equal(typeof ep.idempotent, 'boolean');
  }
});

test('names are unique and namespaced like the official API names', () => {
  const names = implemented.map((e) => e.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.match(n, /^[a-zA-Z]+\.[a-zA-Z0-9]+$/);
});

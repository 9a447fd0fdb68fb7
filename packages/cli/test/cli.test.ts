/**
 * The `miniapp` command as a user runs it: the built bin in a child process, against the emulator.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type EmulatorHandle, startEmulator } from '@miniapp-server/emulator';

const bin = new URL('../bin/miniapp.mjs', import.meta.url).pathname;
let emu: EmulatorHandle;
let env: NodeJS.ProcessEnv;
const dir = mkdtempSync(join(tmpdir(), 'miniapp-cli-'));

function run(
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...env, ...extraEnv } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  emu = await startEmulator({ port: 0 });
  // A clean environment: only what the CLI reads (no NODE_OPTIONS, so the built files are used).
  env = {
    PATH: process.env.PATH,
    MINIAPP_BASE_URL: emu.url,
    MINIAPP_APPID: emu.defaultApp.appid,
    MINIAPP_SECRET: emu.defaultApp.secret,
  };
});
after(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('miniapp', () => {
  test('--help lists the commands; every command has --help', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['call', 'token', 'decrypt', 'emulator']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
    for (const c of ['call', 'token', 'decrypt', 'emulator']) {
      const h = await run([c, '--help']);
      assert.equal(h.code, 0, c);
      assert.match(h.stdout, new RegExp(`Usage: miniapp ${c}`));
    }
  });

  test('call: any endpoint by official name, JSON printed', async () => {
    const user = emu.createUser({ unionid: 'uCli' });
    emu.recordPayment({ openid: user.openid, transaction_id: 'TCLI' });
    const r = await run([
      'call',
      'auth.getPaidUnionId',
      '--data',
      JSON.stringify({ openid: user.openid, transaction_id: 'TCLI' }),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).unionid, 'uCli');
    assert.ok(!r.stdout.includes(emu.defaultApp.secret) && !r.stderr.includes(emu.defaultApp.secret));
  });

  test('call: an API error exits 1 with one line naming the errcode, and no secret', async () => {
    const r = await run(['call', 'auth.code2Session', '--data', '{"js_code":"nope"}']);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^miniapp: auth\.code2Session failed: errcode 40029/);
    assert.ok(!r.stderr.includes(emu.defaultApp.secret));
  });

  test('call: validation, unknown API and bad JSON fail before any request', async () => {
    emu.clearRequests();
    const a = await run(['call', 'auth.code2Session', '--data', '{}']);
    const b = await run(['call', 'auth.nope']);
    const c = await run(['call', 'auth.code2Session', '--data', '{oops']);
    for (const r of [a, b, c]) {
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
    assert.match(a.stderr, /js_code/);
    assert.match(b.stderr, /unknown API/);
    assert.match(c.stderr, /not valid JSON/);
    assert.equal(emu.requests({}).length, 0);
  });

  test('missing credentials and wrong secret: one line, secret never echoed', async () => {
    const none = await run(['token'], { MINIAPP_SECRET: '' });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no secret/);
    const secret = 'abcdef0123456789abcdef0123456789';
    const bad = await run(['token', '--secret', secret]);
    assert.equal(bad.code, 1);
    assert.ok(!bad.stderr.includes(secret) && !bad.stdout.includes(secret));
  });

  test('token prints a token; --force gets a new one', async () => {
    const a = await run(['token']);
    const b = await run(['token', '--force']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout.trim(), /^\S{16,}$/);
    assert.notEqual(a.stdout.trim(), b.stdout.trim());
  });

  test('decrypt decrypts open data and checks the watermark appid', async () => {
    const key = Buffer.alloc(16, 3);
    const iv = Buffer.alloc(16, 9);
    const c = createCipheriv('aes-128-cbc', key, iv);
    const data = Buffer.concat([
      c.update(JSON.stringify({ nickName: '小明', watermark: { appid: emu.defaultApp.appid, timestamp: 1 } })),
      c.final(),
    ]).toString('base64');
    const args = ['decrypt', '--session-key', key.toString('base64'), '--iv', iv.toString('base64'), '--data', data];
    const ok = await run(args);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).nickName, '小明');
    const wrong = await run([...args, '--appid', 'wxother']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /watermark/);
    assert.ok(!wrong.stderr.includes(key.toString('base64')));
  });

  test('emulator serves the auth family and prints its URL, its console URL and the fake app credentials', async () => {
    const child: ChildProcess = spawn(process.execPath, [bin, 'emulator', '--port', '0'], { env });
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d) => {
          out += d;
          if (out.includes('MINIAPP_SECRET=')) resolve(out);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const url = /listening on (http:\/\/\S+)/.exec(banner)![1];
      const appid = /appid:\s+(\S+)/.exec(banner)![1];
      const r = await run(['token'], { MINIAPP_BASE_URL: url, MINIAPP_APPID: appid });
      assert.equal(r.code, 0, r.stderr);
      // The console's URL, and the page is there.
      const consoleUrl = /console:\s+(\S+)/.exec(banner)![1] as string;
      assert.equal(consoleUrl, `${url}/__emulator/ui`);
      assert.equal((await fetch(consoleUrl)).status, 200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  test('call --out writes binary results to a file', async () => {
    const out = join(dir, 'code.png');
    const r = await run([
      'call',
      'wxacode.getUnlimited',
      '--data',
      '{"scene":"id=1","check_path":false}',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).out, out);
    assert.deepEqual([...readFileSync(out).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });
});

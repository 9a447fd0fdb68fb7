// `npm start` runs the demo, then keeps the emulator and its console up until Ctrl-C; `--once` exits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

const root = new URL('..', import.meta.url).pathname;

function runDemo(args: string[], env: Record<string, string | undefined> = {}) {
  // The same loader and export conditions as this test (the current source, through tsx).
  const node = process.execArgv.filter((a) => !a.startsWith('--test'));
  const child = spawn(process.execPath, [...node, 'examples/demo.mjs', ...args], {
    cwd: root,
    env: { ...process.env, CI: undefined, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, output: () => out };
}

describe('npm start (examples/demo.mjs)', () => {
  it('keeps the emulator and console running after the demo, printing the console URL, until SIGINT', async () => {
    const demo = runDemo([]);
    try {
      let url: string | undefined;
      for (let i = 0; i < 1200 && !url; i++) {
        url = /Console: (http:\/\/127\.0\.0\.1:\d+\/__emulator\/ui)/.exec(demo.output())?.[1];
        if (!url) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(url, `no console URL in:\n${demo.output()}`);
      assert.match(demo.output(), /steps ok/);
      const page = await fetch(url);
      assert.equal(page.status, 200);
      // The demo's state is still there for the console to show.
      const users = await (await fetch(url.replace(/ui$/, 'users'))).json();
      assert.ok(
        users.some((u: { nickname?: string; logins?: number }) => u.nickname === 'Demo' && (u.logins ?? 0) >= 1),
      );
      demo.child.kill('SIGINT');
      assert.equal(await demo.exited, 0);
    } finally {
      demo.child.kill('SIGKILL');
    }
  });

  it('exits after the demo with --once', async () => {
    const demo = runDemo(['--once']);
    assert.equal(await demo.exited, 0);
    assert.match(demo.output(), /steps ok/);
    assert.doesNotMatch(demo.output(), /Ctrl-C/);
  });
});

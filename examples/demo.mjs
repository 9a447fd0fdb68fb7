#!/usr/bin/env node
// `npm start`: starts the emulator and runs a small mini-program backend against it, printing a
// transcript of every call. Everything is local: no request leaves this machine.
import { startEmulator } from '@miniapp-server/emulator';
import { ApiError, MiniApp } from '@miniapp-server/sdk';
import { steps } from './demo-steps.mjs';

const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

const emu = await startEmulator({ port: Number(process.env.PORT ?? 0) });
const { appid, secret } = emu.defaultApp;
console.log(bold(`WeChat API emulator on ${emu.url}`) + dim(`  (appid ${appid})`));
console.log(dim(`console: ${emu.url}/__emulator/ui`));

const app = new MiniApp({ appId: appid, appSecret: secret, baseUrl: emu.url });
const ctx = { emu, app, state: {} };
let failed = 0;
for (const [title, run] of steps) {
  try {
    const out = await run(ctx);
    console.log(`✔ ${title}`);
    if (out !== undefined) console.log(dim(indent(typeof out === 'string' ? out : JSON.stringify(out, replacer, 2))));
  } catch (err) {
    failed++;
    const detail = err instanceof ApiError ? `errcode ${err.errcode}: ${err.errmsg}` : err?.message;
    console.log(`✖ ${title}\n${indent(detail)}`);
  }
}

const tokenRequests = emu.tokenRequestCount();
console.log(bold(`\n${steps.length - failed}/${steps.length} steps ok; token requests made: ${tokenRequests}`));
// `npm start` keeps the emulator (and the demo's push receiver) running so every step can be
// followed in the console; `npm start -- --once` and CI exit here.
if (!process.argv.includes('--once') && process.env.CI !== 'true') {
  console.log(`\n${bold(`Console: ${emu.url}/__emulator/ui`)}  ${dim('(Ctrl-C to stop)')}`);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
await app.close();
if (ctx.state.receiver) await ctx.state.receiver.close();
await emu.close();
process.exitCode = failed ? 1 : 0;

function indent(s) {
  return String(s)
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
function replacer(key, value) {
  if (value && value.type === 'Buffer' && Array.isArray(value.data)) return `<${value.data.length} bytes>`;
  if (key === 'session_key' || key === 'access_token') return `${String(value).slice(0, 4)}…`;
  return value;
}

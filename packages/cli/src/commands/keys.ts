import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_APP, generateKeySet } from '@miniapp-server/emulator';
import { parse } from '../args.js';
import type { Command } from '../command.js';

const command: Command = {
  help: `Usage: miniapp keys [--appid wx…] [--out dir] [--emulator url] [--force]

Generates a TEST key set for the API security layer (服务端API签名加密) of the emulator: a
symmetric key + SN, an RSA-2048 key pair + SN (PKCS#1, as MP downloads it) and a self-signed
platform certificate + 证书编号. Writes, with mode 0600:
  <dir>/client.json    the SDK's apiSecurity option: new MiniApp({ …, apiSecurity: require('./client.json') })
  <dir>/emulator.json  WeChat's side: PUT /__emulator/api-security/<appid> takes it as is
--emulator <url> installs the set into a running emulator (miniapp emulator). Keys are never
printed: only their SNs and the file paths. --appid defaults to MINIAPP_APPID or the emulator's
default app; --out to ./miniapp-keys. Real keys come from MP (开发 → 开发设置 → API安全).`,
  async run(argv, io) {
    const { values } = parse(
      argv,
      {
        appid: { type: 'string' },
        out: { type: 'string' },
        emulator: { type: 'string' },
        force: { type: 'boolean' },
      },
      false,
    );
    const appid = values.appid ?? io.env.MINIAPP_APPID ?? DEFAULT_APP.appid;
    if (!/^wx[0-9a-f]{16}$/i.test(appid)) throw new Error(`--appid ${appid} is not an appid (wx + 16 hex)`);
    const dir = resolve(values.out ?? 'miniapp-keys');
    const files = { client: join(dir, 'client.json'), emulator: join(dir, 'emulator.json') };
    if (!values.force && (existsSync(files.client) || existsSync(files.emulator)))
      throw new Error(`${dir} already holds a key set; pass --force to replace it`);
    const set = generateKeySet(appid, Math.floor(Date.now() / 1000));
    await mkdir(dir, { recursive: true });
    for (const [file, data] of [
      [files.client, set.client],
      [files.emulator, set.emulator],
    ] as const) {
      await writeFile(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      await chmod(file, 0o600);
    }
    const lines = [
      `Test API security keys for ${appid}`,
      `  symmetric key SN:      ${set.client.symmetricKeySn}`,
      `  key pair SN:           ${set.client.privateKeySn}`,
      `  platform certificate:  ${set.emulator.platform.sn}`,
      `  ${files.client}`,
      `  ${files.emulator}`,
    ];
    if (values.emulator) {
      const url = `${String(values.emulator).replace(/\/+$/, '')}/__emulator/api-security/${appid}`;
      const res = await fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(set.emulator),
      });
      if (!res.ok)
        throw new Error(`the emulator refused the key set: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
      lines.push(`  installed into the emulator at ${values.emulator}`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
export default command;

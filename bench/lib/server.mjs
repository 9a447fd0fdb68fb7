// A minimal stand-in for api.weixin.qq.com (node:http, fixed bodies) for the call-overhead and
// token-storm benchmarks. Run as its own process: prints `{"port":N}` on stdout once listening.
//
//   GET  /cgi-bin/token              classic: a new token on every call (old ones stay valid)
//   POST /cgi-bin/stable_token       stable: the same token while valid; force_refresh -> new one
//   GET  /wxa/getpaidunionid         fixed JSON body, or 40001 if the access_token is not valid
//   POST /cgi-bin/message/subscribe/send   same, after reading the JSON body
//   GET  /__bench/stats              {"classic":n,"stable":n,"api":n,"rejected":n}
//   POST /__bench/flip               every token issued so far answers 40001 from now on
//   POST /__bench/reset              counters and tokens cleared
import { createServer } from 'node:http';

const PAID = Buffer.from('{"unionid":"oUnion-bench-0000000000000000","errcode":0,"errmsg":"ok"}');
const SENT = Buffer.from('{"errcode":0,"errmsg":"ok","msgid":3248682510344192008}');
const BAD = Buffer.from(
  '{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest rid: 0000-bench"}',
);
const JSON_HEADERS = { 'content-type': 'application/json; encoding=utf-8' };

let valid = new Set();
let stable;
let seq = 0;
let stats = { classic: 0, stable: 0, api: 0, rejected: 0 };

function newToken(kind) {
  const t = `${kind}-${++seq}-${'x'.repeat(100)}`;
  valid.add(t);
  return t;
}

function tokenOf(url) {
  const i = url.indexOf('access_token=');
  if (i === -1) return undefined;
  const j = url.indexOf('&', i);
  return decodeURIComponent(url.slice(i + 13, j === -1 ? undefined : j));
}

function send(res, body, status = 200) {
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': body.length });
  res.end(body);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = req.url;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    switch (path) {
      case '/wxa/getpaidunionid':
      case '/cgi-bin/message/subscribe/send': {
        stats.api++;
        if (!valid.has(tokenOf(url))) {
          stats.rejected++;
          return send(res, BAD);
        }
        return send(res, path === '/wxa/getpaidunionid' ? PAID : SENT);
      }
      case '/cgi-bin/token':
        stats.classic++;
        return send(res, Buffer.from(JSON.stringify({ access_token: newToken('c'), expires_in: 7200 })));
      case '/cgi-bin/stable_token': {
        stats.stable++;
        let force = false;
        try {
          force = JSON.parse(Buffer.concat(chunks).toString()).force_refresh === true;
        } catch {}
        if (force || !stable || !valid.has(stable)) stable = newToken('s');
        return send(res, Buffer.from(JSON.stringify({ access_token: stable, expires_in: 7200 })));
      }
      case '/__bench/stats':
        return send(res, Buffer.from(JSON.stringify(stats)));
      case '/__bench/flip':
        valid = new Set();
        return send(res, Buffer.from('{}'));
      case '/__bench/reset':
        valid = new Set();
        stable = undefined;
        stats = { classic: 0, stable: 0, api: 0, rejected: 0 };
        return send(res, Buffer.from('{}'));
      default:
        return send(res, Buffer.from('{"errcode":-1,"errmsg":"not found"}'), 404);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

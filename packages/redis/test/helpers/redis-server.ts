// Starts a throwaway redis-server for tests: loopback only, free port, no persistence, and
// stops it again. The same instance can be stopped and restarted on its port to simulate an
// outage.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Socket } from 'node:net';

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    let buf = '';
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(false));
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) {
        s.destroy();
        resolve(buf.startsWith('+PONG'));
      }
    });
    s.connect(port, '127.0.0.1', () => s.write('PING\r\n'));
  });
}

export class RedisServer {
  private proc: ChildProcess | undefined;
  private stderr = '';
  private extraArgs: string[] = [];

  private constructor(readonly port: number) {}

  /** Starts redis-server on a free port (retrying if another process grabs the port first). */
  static async start(extraArgs: (port: number) => string[] = () => []): Promise<RedisServer> {
    let lastErr: unknown;
    for (let i = 0; i < 5; i++) {
      const port = await freePort();
      const server = new RedisServer(port);
      try {
        await server.start(extraArgs(port));
        return server;
      } catch (err) {
        lastErr = err;
      }
    }
    throw lastErr;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the server on its port. `extraArgs` are appended to the command line. */
  async start(extraArgs: string[] = this.extraArgs): Promise<void> {
    if (this.proc) return;
    this.extraArgs = extraArgs;
    this.stderr = '';
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
        ...extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = proc;
    proc.stdout?.on('data', (d) => {
      this.stderr += d.toString();
    });
    proc.stderr?.on('data', (d) => {
      this.stderr += d.toString();
    });
    let exited = false;
    proc.once('exit', () => {
      exited = true;
    });
    for (let i = 0; i < 200; i++) {
      if (exited) break;
      if (await ping(this.port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    this.proc = undefined;
    if (!exited) proc.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${this.port}: ${this.stderr.trim()}`);
  }

  /** Stops the server (no save) and waits for it to exit. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = undefined;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    await exited;
  }
}

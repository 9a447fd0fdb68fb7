// A throwaway three-primary Redis Cluster for tests (no replicas, no persistence): each node's
// cluster config lives in a temporary directory that is removed on stop.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { RedisServer } from './redis-server.js';

const run = promisify(execFile);

export class RedisClusterServers {
  private constructor(
    readonly nodes: RedisServer[],
    private readonly dir: string,
  ) {}

  static async start(size = 3): Promise<RedisClusterServers> {
    const dir = mkdtempSync(join(tmpdir(), 'miniapp-redis-cluster-'));
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < size; i++) {
        nodes.push(
          await RedisServer.start((port) => [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--dir',
            dir,
          ]),
        );
      }
      await run('redis-cli', [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      // Every node must agree before clients connect.
      for (const n of nodes) {
        for (;;) {
          const { stdout } = await run('redis-cli', ['-p', String(n.port), 'cluster', 'info']);
          if (stdout.includes('cluster_state:ok')) break;
          await sleep(50);
        }
      }
      return new RedisClusterServers(nodes, dir);
    } catch (err) {
      for (const n of nodes) await n.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) await n.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

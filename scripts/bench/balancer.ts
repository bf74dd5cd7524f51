/**
 * Two (or more) server instances on one PostgreSQL behind nginx, as a province would run them: the instances
 * are started one after the other on the run database (the second finds it migrated), nginx (Debian's
 * /usr/sbin/nginx, started here, not as a daemon) balances round robin over a keepalive upstream on a free
 * port. Same configuration approach as tests/integration/multi-instance.test.ts. Everything started here is
 * stopped by `stop()`, and by the harness's exit handler if the bench dies first.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, onExit, startServer, track, type RunningServer } from './http-harness.js';

export interface Balanced {
  /** nginx's address: the base URL the clients use. */
  base: string;
  instances: RunningServer[];
  stop(): Promise<void>;
}

function nginxBinary(): string {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) if (existsSync(p)) return p;
  return 'nginx';
}

export function nginxConfig(dir: string, listenPort: number, upstreams: string[]): string {
  const servers = upstreams.map((u) => `server ${new URL(u).host};`).join(' ');
  return `daemon off; master_process on; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000; keepalive_timeout 300s;
  upstream zx { ${servers} keepalive 64; keepalive_requests 100000; keepalive_timeout 300s; }
  server {
    listen 127.0.0.1:${listenPort} backlog=1024;
    location / {
      proxy_pass http://zx; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host $host:$server_port;
      proxy_set_header X-Forwarded-For $remote_addr; proxy_set_header X-Forwarded-Proto $scheme;
      proxy_buffering on; client_max_body_size 20m;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
}

/** Starts `count` instances on `databaseUrl` and nginx in front of them. */
export async function startBalanced(databaseUrl: string, count: number): Promise<Balanced> {
  const instances: RunningServer[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'zx-bench-nginx-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  onExit(() => {
    // On the way out (the children were just sent SIGTERM, nothing can be awaited): nginx's master removes
    // its pid file as it exits; wait for that (at most 2 s) so its worker does not write into a removed tree.
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 100 && existsSync(join(dir, 'nginx.pid')); i++) Atomics.wait(pause, 0, 0, 20);
    removeDir();
  });
  let nginx: ReturnType<typeof spawn> | null = null;
  const stop = async () => {
    if (nginx && nginx.exitCode === null && nginx.signalCode === null) {
      const n = nginx;
      await new Promise<void>((resolve) => {
        n.once('exit', () => resolve());
        n.kill('SIGTERM');
      });
    }
    await Promise.all(instances.map((s) => s.stop()));
    removeDir();
  };
  try {
    for (let i = 0; i < count; i++) instances.push(await startServer({ databaseUrl }));
    const port = await freePort();
    writeFileSync(
      join(dir, 'nginx.conf'),
      nginxConfig(
        dir,
        port,
        instances.map((s) => s.base),
      ),
    );
    let output = '';
    nginx = spawn(nginxBinary(), ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', join(dir, 'error.log')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track(nginx);
    nginx.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    nginx.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const base = `http://127.0.0.1:${port}`;
    const t0 = performance.now();
    const seen = new Set<string>();
    // Ready when nginx answers and has reached every instance once (round robin: count requests suffice).
    while (seen.size < count) {
      if (nginx.exitCode !== null || nginx.signalCode !== null) throw new Error(`nginx exited:\n${output}`);
      try {
        const r = await fetch(`${base}/api/health`);
        await r.arrayBuffer();
        if (r.ok) seen.add(r.headers.get('x-upstream') ?? '');
      } catch {
        // not listening yet
      }
      if (performance.now() - t0 > 30_000) throw new Error(`nginx did not answer in 30 s:\n${output}`);
      if (seen.size < count) await new Promise((r) => setTimeout(r, 25));
    }
    return { base, instances, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}

/**
 * Starts a throwaway `redis-server` (Debian package, installed by the setup step) on a free
 * loopback port, without persistence. `REDIS_URL` wins when set (a real Redis).
 */
export async function startTestRedis(binary = '/usr/bin/redis-server'): Promise<TestRedis> {
  if (process.env.REDIS_URL)
    return {
      url: process.env.REDIS_URL,
      port: Number(new URL(process.env.REDIS_URL).port || 6379),
      stop: async () => {},
    };
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) => reject(new Error(`cannot start ${binary}: ${err.message}`))),
  );
  const deadline = performance.now() + 10_000;
  for (;;) {
    const up = await Promise.race([ping(port), spawnError]);
    if (up) break;
    if (performance.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

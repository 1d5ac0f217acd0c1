// Commands for the packaging check: each one printed with where it ran and how long it took, its
// output in a log file (npm installs are thousands of lines), the log's tail printed when it fails.
// Only node: built-ins here.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';

export const say = (line) => console.log(`[packaging] ${line}`);
export const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** A failure of the check: what went wrong, and the log that shows why. */
export class PackagingCheckError extends Error {
  name = 'PackagingCheckError';
  constructor(message, logPath) {
    super(message);
    this.logPath = logPath;
  }
}

export function tail(logPath, lines = 40) {
  if (!existsSync(logPath)) return '';
  return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * The environment of every command: ours minus what would tie the temporary projects to this
 * repository or this run — npm's own variables (under `npm run`, npm_config_local_prefix and friends
 * would point a child npm at the repository), KAFKA_BROKERS and TRIBUTARY_* (TRIBUTARY_LIBRDKAFKA
 * would load another librdkafka than the installed one).
 */
function childEnv(extra) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm_|KAFKA_BROKERS$|TRIBUTARY_|INIT_CWD$)/i.test(k)),
  );
  return { ...env, ...extra };
}

const shown = (env) =>
  Object.entries(env ?? {})
    .map(([k, v]) => `${k}=${v} `)
    .join('');

/**
 * Runs `cmd args` in `cwd` to completion (stdin closed, output appended to `logPath`), prints a
 * progress line every 15 s, and resolves with the elapsed milliseconds; rejects on a non-zero exit.
 */
export function run(cmd, args, { cwd, env, logPath, timeoutMs = 600_000 }) {
  say(`  $ ${shown(env)}${cmd} ${args.join(' ')}   (in ${cwd})`);
  const fd = openSync(logPath, 'a');
  writeFileSync(fd, `\n$ ${shown(env)}${cmd} ${args.join(' ')}   # in ${cwd}, ${new Date().toISOString()}\n`);
  const started = performance.now();
  const ticker = setInterval(() => say(`    … still running (${seconds(started)})`), 15_000);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: childEnv(env), stdio: ['ignore', fd, fd] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let settled = false;
    const done = (error) => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      clearTimeout(timer);
      closeSync(fd);
      if (error) reject(error);
      else {
        say(`    done in ${seconds(started)}`);
        resolve(performance.now() - started);
      }
    };
    child.on('error', (err) => done(new PackagingCheckError(`${cmd}: ${err.message}`, logPath)));
    child.on('exit', (code, signal) =>
      done(
        code === 0
          ? undefined
          : new PackagingCheckError(`${cmd} ${args[0] ?? ''} exited with ${code ?? signal}`, logPath),
      ),
    );
  });
}

/**
 * A long-running process (a broker, an app): its output is kept, also appended to `logPath`.
 * `waitFor(pattern)` resolves with the first match in stdout+stderr; `stop()` sends SIGTERM and
 * resolves with the exit code (SIGKILL after `graceMs`).
 */
export function startProcess(name, cmd, args, { cwd, env, logPath }) {
  say(`  $ ${shown(env)}${cmd} ${args.join(' ')} &   (${name}, in ${cwd})`);
  const child = spawn(cmd, args, { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set();
  const append = (chunk) => {
    output += chunk;
    writeFileSync(logPath, chunk, { flag: 'a' });
    for (const waiter of waiters) waiter.check();
  };
  child.stdout.setEncoding('utf8').on('data', append);
  child.stderr.setEncoding('utf8').on('data', append);
  // 'close', not 'exit': 'exit' can come before the last output was read from the pipes, and a check of
  // the output right after it (the "tributary stopped" line of a graceful stop) would miss that line.
  let closed = false;
  const exited = new Promise((resolve) =>
    child.on('close', (code, signal) => {
      closed = true;
      resolve(code ?? signal);
    }),
  );
  exited.then((code) => {
    for (const waiter of waiters) waiter.exited(code);
  });
  return {
    name,
    get output() {
      return output;
    },
    waitFor(pattern, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const waiter = {
          check: () => {
            const match = pattern.exec(output);
            if (match) finish(() => resolve(match));
          },
          exited: (code) =>
            finish(() => reject(new PackagingCheckError(`${name} exited (${code}) before ${what}`, logPath))),
        };
        const timer = setTimeout(
          () =>
            finish(() => reject(new PackagingCheckError(`${name}: no ${what} within ${timeoutMs / 1000} s`, logPath))),
          timeoutMs,
        );
        function finish(settle) {
          clearTimeout(timer);
          waiters.delete(waiter);
          settle();
        }
        waiters.add(waiter);
        waiter.check();
        if (closed) waiter.exited(child.exitCode ?? child.signalCode);
      });
    },
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

#!/usr/bin/env node
// What a user gets from npm, checked for real: packs every packages/* workspace, installs the
// tarballs into new projects in a temporary directory (outside the workspaces, so nothing resolves
// to the repository), compiles and runs
//   1. the README's "Use it in your project": its package.json fragment, its install lines, its
//      tsconfig, its first handler and its producer snippet (taken from README.md, so they cannot
//      drift), against an embedded broker started from the installed @tributary/cli;
//   2. examples/task-notifier: installed, compiled, its unit test, and run for two events (one
//      dead-lettered) with its metrics endpoint.
// Each install builds @confluentinc/kafka-javascript from source (CKJS_LINKING=dynamic, as the README
// says; ~110 s each on two cores, ~4 minutes for the whole check). No honest shortcut: npm's cache
// holds the binding's source tarball, not builds, and node-pre-gyp's binary mirror would place only
// build/Release/*.node, without the build/deps/librdkafka.so.1 it links to and the broker loads.
//
//   node scripts/check-packaging.mjs        (after scripts/setup.mjs built dist/; .ci/run runs it)
//   TRIBUTARY_PACKAGING_KEEP=1 …           keeps the temporary directory (it is kept on failure anyway)
//
// Only node: built-ins here.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packAll } from './packaging/pack.mjs';
import { npm, parseInstallLines, tarballOverrides, updateJson, workspaceVersion } from './packaging/project.mjs';
import { PackagingCheckError, run, say, seconds, startProcess, tail } from './packaging/run.mjs';
import { readmeSnippet } from './readme-snippets.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(ROOT, 'examples', 'task-notifier');
const started = performance.now();
const work = mkdtempSync(join(tmpdir(), 'tributary-packaging-'));
const processes = [];
const timings = [];

/** Runs one numbered step, printing its name and duration. */
async function step(name, fn) {
  const t = performance.now();
  say(`${name} …`);
  const result = await fn();
  timings.push([name, performance.now() - t]);
  say(`${name}: ok (${seconds(t)})`);
  return result;
}

function binding(project) {
  return join(project, 'node_modules', '@confluentinc', 'kafka-javascript', 'build', 'deps', 'librdkafka.so.1');
}

/** An embedded broker from a project's installed @tributary/cli (and so its installed @tributary/broker). */
async function startBroker(project, logPath) {
  const broker = startProcess(
    'broker',
    join(project, 'node_modules', '.bin', 'tributary'),
    ['broker', '--topic', 'task-created:6'],
    {
      cwd: project,
      logPath,
    },
  );
  processes.push(broker);
  const [, servers] = await broker.waitFor(/bootstrap\.servers=(\S+)/, 30_000, 'bootstrap.servers line');
  // The installed binding's librdkafka is the stock one: this repository patches only its own copy.
  await broker.waitFor(/TRIBUTARY_STOCK_COORDINATOR/, 5_000, 'TRIBUTARY_STOCK_COORDINATOR warning');
  say(`    broker at ${servers}; it warned TRIBUTARY_STOCK_COORDINATOR, as expected: the installed`);
  say(`    @tributary/broker loads npm's stock librdkafka (setup patches only the repo's node_modules),`);
  say(
    '    whose classic coordinator differs from Kafka in rebalances; one member handling a few messages is unaffected',
  );
  return servers;
}

async function stopExpectingZero(proc) {
  const code = await proc.stop();
  if (code !== 0) throw new PackagingCheckError(`${proc.name} exited with ${code} after SIGTERM (expected 0)`);
  say(`    ${proc.name} stopped on SIGTERM, exit 0`);
}

async function readmeProject(packages) {
  const project = join(work, 'readme-project');
  const log = join(work, 'readme-project.log');
  mkdirSync(join(project, 'src'), { recursive: true });
  const installs = parseInstallLines(readmeSnippet('install'));
  const nestInstalls = parseInstallLines(readmeSnippet('nest-install'));
  const direct = [...installs, ...nestInstalls]
    .flatMap((line) => line.names)
    .filter((n) => n.startsWith('@tributary/'));
  const specsOf = (names) =>
    names.map((name) => {
      const packed = packages.find((p) => p.name === name);
      return packed ? packed.tarball : `${name}@${workspaceVersion(ROOT, name)}`;
    });

  await step('2/7 README project: npm init, the package.json snippet, the install lines', async () => {
    await npm(['init', '-y'], { cwd: project, logPath: log });
    const fragment = JSON.parse(readmeSnippet('package-json'));
    updateJson(join(project, 'package.json'), (json) => ({
      ...json,
      ...fragment,
      overrides: tarballOverrides(packages, direct),
    }));
    say(`    package.json: ${JSON.stringify(fragment)} + overrides for the transitive @tributary packages`);
    say('    @tributary/* → the packed tarballs; other names pinned to the versions this repository tests with');
    for (const { env, flags, names } of installs) {
      const ms = await npm(['install', ...flags, ...specsOf(names)], { cwd: project, env, logPath: log });
      timings.push([`    npm install ${flags.join(' ')} (${names.length} packages)`, ms]);
    }
    if (!existsSync(binding(project))) {
      throw new PackagingCheckError(
        `${binding(project)} missing: the binding was not built with CKJS_LINKING=dynamic`,
        log,
      );
    }
  });

  await step('3/7 README project: compile the first handler and the producer with the README tsconfig', async () => {
    writeFileSync(join(project, 'tsconfig.json'), readmeSnippet('tsconfig'));
    writeFileSync(join(project, 'src', 'main.ts'), readmeSnippet('first-handler'));
    writeFileSync(join(project, 'src', 'produce.ts'), readmeSnippet('produce'));
    await run(join(project, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: project, logPath: log });
  });

  let env;
  await step('4/7 README project: run it on an embedded broker until it handled a produced message', async () => {
    env = { KAFKA_BROKERS: await startBroker(project, log) };
    const app = startProcess('first handler (node dist/main.js)', 'node', ['dist/main.js'], {
      cwd: project,
      env,
      logPath: log,
    });
    processes.push(app);
    await app.waitFor(/"msg":"tributary started"/, 60_000, '"tributary started"');
    await run('node', ['dist/produce.js'], { cwd: project, env, logPath: log });
    await app.waitFor(/"msg":"notify u-1: write the docs"/, 60_000, 'the handler\'s "notify u-1: write the docs" line');
    say('    the handler logged "notify u-1: write the docs"');
    await stopExpectingZero(app);
  });

  await step('5/7 README project: With NestJS — its install line, compile its handler, run it for a message', async () => {
    for (const { env: installEnv, flags, names } of nestInstalls) {
      const ms = await npm(['install', ...flags, ...specsOf(names)], { cwd: project, env: installEnv, logPath: log });
      timings.push([`    npm install ${flags.join(' ')} (${names.length} packages, NestJS)`, ms]);
    }
    writeFileSync(join(project, 'src', 'nest-main.ts'), readmeSnippet('nest-handler'));
    await run(join(project, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: project, logPath: log });
    const app = startProcess('Nest handler (node dist/nest-main.js)', 'node', ['dist/nest-main.js'], {
      cwd: project,
      env,
      logPath: log,
    });
    processes.push(app);
    await app.waitFor(/"msg":"tributary started"/, 60_000, '"tributary started"');
    await run('node', ['dist/produce.js'], { cwd: project, env, logPath: log });
    await app.waitFor(/"msg":"notify u-1: write the docs"/, 60_000, 'the Nest handler\'s "notify u-1: write the docs" line');
    say('    the Nest provider handled the message');
    // Nest's shutdown hooks stop the app, then re-raise the signal: a graceful stop ends by SIGTERM.
    const code = await app.stop();
    if (code !== 'SIGTERM') throw new PackagingCheckError(`the Nest app ended with ${code} after SIGTERM (expected Nest to re-raise SIGTERM)`, log);
    await app.waitFor(/"msg":"tributary stopped"/, 1_000, '"tributary stopped" before exit');
    say('    it stopped gracefully on SIGTERM ("tributary stopped", then Nest re-raised the signal)');
  });
}

async function exampleProject(packages) {
  const project = join(work, 'task-notifier');
  const log = join(work, 'task-notifier.log');
  const [install] = parseInstallLines(readmeSnippet('install')); // the same environment and flags

  await step(
    '6/7 examples/task-notifier: copy, install from the tarballs, npm test (tsc + its unit test)',
    async () => {
      cpSync(EXAMPLE, project, {
        recursive: true,
        filter: (src) => !/node_modules|dist/.test(src.slice(EXAMPLE.length)),
      });
      updateJson(join(project, 'package.json'), (json) => {
        const direct = [...Object.keys(json.dependencies ?? {}), ...Object.keys(json.devDependencies ?? {})];
        for (const field of ['dependencies', 'devDependencies']) {
          for (const name of Object.keys(json[field] ?? {})) {
            const packed = packages.find((p) => p.name === name);
            if (packed) json[field][name] = `file:${packed.tarball}`;
          }
        }
        return { ...json, overrides: tarballOverrides(packages, direct) };
      });
      say(
        '    package.json: its @tributary/* ranges → the packed tarballs; everything else as the example declares it',
      );
      const ms = await npm(['install', ...install.flags], { cwd: project, env: install.env, logPath: log });
      timings.push(['    npm install (example)', ms]);
      await npm(['test'], { cwd: project, logPath: log });
    },
  );

  await step('7/7 examples/task-notifier: run it for a valid and an invalid event, read its metrics', async () => {
    const brokers = await startBroker(project, log);
    const env = { KAFKA_BROKERS: brokers, HTTP_PORT: '0' };
    const app = startProcess('task-notifier (node dist/main.js)', 'node', ['dist/main.js'], {
      cwd: project,
      env,
      logPath: log,
    });
    processes.push(app);
    const [, port] = await app.waitFor(/127\.0\.0\.1:(\d+)\/metrics/, 60_000, 'the metrics address');
    writeFileSync(
      join(project, 'produce-events.mjs'),
      [
        "import { TributaryProducer } from '@tributary/middleware';",
        'const producer = new TributaryProducer({ brokers: process.env.KAFKA_BROKERS });',
        "await producer.sendJson('task-created', { taskId: 'task-7', ownerId: 'u-7', title: 'ship it' }, { key: 'task-7' });",
        "await producer.sendJson('task-created', { taskId: 'task-8', ownerId: 'u-7', title: '' }, { key: 'task-8' });",
        'await producer.disconnect();',
        '',
      ].join('\n'),
    );
    await run('node', ['produce-events.mjs'], { cwd: project, env, logPath: log });
    await app.waitFor(/"msg":"notify u-7: ship it"/, 60_000, '"notify u-7: ship it"');
    await app.waitFor(/"msg":"message dead-lettered"/, 60_000, '"message dead-lettered" (the invalid event)');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const outcome of ['done', 'dead-lettered']) {
      if (!new RegExp(`tributary_messages_processed_total\\{[^}]*outcome="${outcome}"[^}]*\\} 1\\b`).test(metrics)) {
        throw new PackagingCheckError(`/metrics lacks tributary_messages_processed_total{outcome="${outcome}"} 1`, log);
      }
    }
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    if (ready.status !== 200) throw new PackagingCheckError(`/health/ready answered ${ready.status}`, log);
    say('    handled one, dead-lettered one; /metrics counts both, /health/ready is 200');
    await stopExpectingZero(app);
  });
}

try {
  say(`node ${process.version}, npm tarballs and projects in ${work}`);
  const packages = await step('1/7 npm pack packages/* and check what each tarball holds', () =>
    packAll(ROOT, join(work, 'tarballs')),
  );
  await readmeProject(packages);
  await exampleProject(packages);
  for (const proc of processes) await proc.stop();
  say(`all ok in ${seconds(started)}:`);
  for (const [name, ms] of timings) say(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`);
  if (process.env.TRIBUTARY_PACKAGING_KEEP === '1') say(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
} catch (err) {
  await Promise.all(processes.map((p) => p.stop(5_000)));
  console.error(`[packaging] FAILED: ${err.message}`);
  if (err.logPath) {
    console.error(`[packaging] --- last lines of ${err.logPath} ---\n${tail(err.logPath)}\n[packaging] ---`);
  } else if (!(err instanceof PackagingCheckError)) {
    console.error(err.stack);
  }
  console.error(`[packaging] kept ${work} for a look`);
  process.exit(1);
}

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
// The extraction scripts/check-packaging.mjs uses, so both read the README the same way.
const snippet = async (name: string): Promise<string> => {
  const { readmeSnippet } = await import(pathToFileURL(join(root, 'scripts', 'readme-snippets.mjs')).href);
  return readmeSnippet(name);
};

test("the README's example test is this repository's test/src/readme/testing-your-handlers.test.ts", async () => {
  assert.equal(await snippet('testing-your-handlers'), read('test/src/readme/testing-your-handlers.test.ts'));
});

test('the snippets check-packaging.mjs runs are there, and examples/task-notifier uses the same settings', async () => {
  const tsconfig = JSON.parse(await snippet('tsconfig'));
  assert.equal(tsconfig.compilerOptions.experimentalDecorators, true);
  assert.equal(tsconfig.compilerOptions.emitDecoratorMetadata, true);
  assert.deepEqual(JSON.parse(read('examples/task-notifier/tsconfig.json')), tsconfig);

  const fragment = JSON.parse(await snippet('package-json'));
  assert.equal(fragment.type, 'module');
  const example = JSON.parse(read('examples/task-notifier/package.json'));
  assert.equal(example.type, fragment.type);
  assert.deepEqual(example.allowScripts, fragment.allowScripts);

  const install = (await snippet('install')).trim().split('\n');
  assert.ok(
    install.every((line) => /^(\w+=\S+ )*npm install /.test(line)),
    'install lines are plain npm install',
  );
  assert.match(await snippet('first-handler'), /@ConsumerGroup\(/);
  assert.match(await snippet('produce'), /sendJson\('task-created'/);
  assert.match(await snippet('nest-install'), /^npm install @tributary\/nestjs /);
  assert.match(await snippet('nest-handler'), /TributaryModule\.forRoot\(/);
});

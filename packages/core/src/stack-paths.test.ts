import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relativeStack } from './stack-paths.js';

const stack = [
  'TypeError: bad input at /not/a/frame.js:1:2 stays',
  '    at TaskHandlers.on (/srv/app/dist/handlers.js:12:5)',
  '    at /srv/app/node_modules/@tributary/core/dist/pipeline/executor.js:88:19',
  '    at async run (file:///srv/app/dist/main.mjs:3:1)',
  '    at async /srv/app/dist/with space/x.js:4:2',
  '    at outside (/opt/lib/y.js:1:1)',
  '    at JSON.parse (<anonymous>)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
].join('\n');

test('absolute frame paths become relative to the working directory; node: and native frames stay', () => {
  assert.equal(
    relativeStack(stack, '/srv/app'),
    [
      'TypeError: bad input at /not/a/frame.js:1:2 stays',
      '    at TaskHandlers.on (dist/handlers.js:12:5)',
      '    at node_modules/@tributary/core/dist/pipeline/executor.js:88:19',
      '    at async run (dist/main.mjs:3:1)',
      '    at async dist/with space/x.js:4:2',
      '    at outside (../../opt/lib/y.js:1:1)',
      '    at JSON.parse (<anonymous>)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ].join('\n'),
  );
});

test('a real stack of this process keeps no absolute path of the working directory', () => {
  const real = relativeStack(new Error('here').stack ?? '');
  assert.match(real, /stack-paths\.test\.js:\d+:\d+/);
  assert.ok(!real.includes(process.cwd()), real);
});

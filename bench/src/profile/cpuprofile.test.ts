import assert from 'node:assert/strict';
import { test } from 'node:test';
import { areaOf, type CpuProfile, summarize } from './cpuprofile.js';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0, columnNumber: 0 });

test('self time goes to the sampled frame, total time to every frame on its stack once', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2] },
      {
        id: 2,
        callFrame: frame('execute', 'file:///work/main/packages/core/dist/pipeline/executor.js'),
        children: [3],
      },
      { id: 3, callFrame: frame('markDone', 'file:///work/main/packages/core/dist/offsets/offset-tracker.js') },
    ],
    startTime: 0,
    endTime: 4000,
    samples: [2, 3, 3, 1],
    timeDeltas: [0, 1000, 1000, 1000],
  };
  const summary = summarize(profile);
  const byName = new Map(summary.functions.map((f) => [f.name, f]));
  assert.equal(byName.get('execute')?.selfMs, 1);
  assert.equal(byName.get('execute')?.totalMs, 3);
  assert.equal(byName.get('markDone')?.selfMs, 2);
  assert.equal(summary.areas.find((a) => a.area === 'tributary core')?.selfMs, 3);
});

test('areas are named after packages', () => {
  assert.equal(areaOf('file:///x/node_modules/rxjs/dist/cjs/internal/Observable.js', 'subscribe'), 'rxjs');
  assert.equal(areaOf('file:///x/node_modules/@pinojs/redact/index.js', 'redact'), '@pinojs/redact');
  assert.equal(areaOf('', '(garbage collector)'), 'GC');
  assert.equal(areaOf('node:events', 'emit'), 'node internals / native');
});

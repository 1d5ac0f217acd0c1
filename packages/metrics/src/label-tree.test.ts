import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabelTree } from './label-tree.js';

test('each label set finds its own value, whether it repeats the last lookup or alternates with others', () => {
  const tree = new LabelTree<string>();
  tree.set(['g', 't', 0, 'done'], 'p0');
  tree.set(['g', 't', 1, 'done'], 'p1');
  const lookups: Array<[unknown[], string | undefined]> = [
    [['g', 't', 0, 'done'], 'p0'],
    [['g', 't', 0, 'done'], 'p0'],
    [['g', 't', 1, 'done'], 'p1'],
    [['g', 't', 0, 'done'], 'p0'],
    [['g', 't', '0', 'done'], undefined], // values compare as given: '0' is not 0
    [['g', 't', 1, 'done'], 'p1'],
  ];
  for (const [path, expected] of lookups) assert.equal(tree.get(path), expected, JSON.stringify(path));
});

test('a label set added after a miss is found, and values() lists each once in the order they were set', () => {
  const tree = new LabelTree<number>();
  assert.equal(tree.get(['a']), undefined);
  tree.set(['a'], 1);
  assert.equal(tree.get(['a']), 1);
  tree.set(['b'], 2);
  assert.equal(tree.get(['b']), 2);
  assert.equal(tree.get(['a']), 1);
  assert.deepEqual(tree.values(), [1, 2]);
});

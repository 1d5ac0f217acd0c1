import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GroupDescription } from '@tributary/lag';
import type { InstancePoll } from './instances.js';
import { OwnerNames } from './owners.js';
import type { InstanceView } from './snapshot.js';

const poll = (url: string, assigned: string[], up = true): InstancePoll => ({
  url,
  up,
  samples: [],
  assigned,
  held: [],
});
const view = (url: string, instance: string, state: InstanceView['state'] = 'up'): InstanceView => ({
  url,
  instance,
  state,
  since: 0,
  partitions: 0,
});
const group = (members: Array<[string, string[]]>): GroupDescription => ({
  state: 'Stable',
  protocol: 'cooperative-sticky',
  members: members.map(([id, assigned]) => ({
    memberId: `${id}-uuid`,
    groupInstanceId: id,
    clientId: id,
    host: '/127.0.0.1',
    assigned,
  })),
});

test('a static member keeps its partitions after its instance stopped: owned by that instance, marked stopped', () => {
  const names = new OwnerNames();
  const both = group([
    ['notification-service-i1', ['t/0']],
    ['notification-service-i2', ['t/1']],
  ]);
  const owners = names.resolve([poll('a', ['t/0']), poll('b', ['t/1'])], [view('a', 'i1'), view('b', 'i2')], both);
  assert.deepEqual(owners.get('t/1'), { owner: 'i2', ownerSource: 'instance' });
  // i2 stopped; the coordinator still lists its member with t/1 until its session expires.
  const after = names.resolve(
    [poll('a', ['t/0']), poll('b', [], false)],
    [view('a', 'i1'), view('b', 'i2', 'gone')],
    both,
  );
  assert.deepEqual(after.get('t/0'), { owner: 'i1', ownerSource: 'instance' });
  assert.deepEqual(after.get('t/1'), { owner: 'i2', ownerSource: 'stopped' });
});

test('a member without a metrics URL is named by its group.instance.id or client id', () => {
  const owners = new OwnerNames().resolve([], [], group([['worker-7', ['t/3']]]));
  assert.deepEqual(owners.get('t/3'), { owner: 'worker-7', ownerSource: 'member' });
  assert.equal(owners.get('t/4'), undefined);
});

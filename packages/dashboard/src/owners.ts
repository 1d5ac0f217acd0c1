import type { GroupDescription, GroupMember } from '@tributary/lag';
import type { InstancePoll } from './instances.js';
import type { InstanceView, PartitionView } from './snapshot.js';

export type Owner = Pick<PartitionView, 'owner' | 'ownerSource'>;

const memberKey = (m: GroupMember) => m.groupInstanceId ?? m.memberId;
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Names the owner of each partition. An instance that answers names its own partitions. The
 * coordinator's description (DescribeGroups) fills in the rest: partitions held by a member with no
 * metrics URL, and those a static member keeps for its session after its instance stopped — named
 * as that instance, whose name was learnt while both answered (the member owned exactly what the
 * instance reported, in a Stable group).
 */
export class OwnerNames {
  /** Member key (group.instance.id, else member id) → the instance it was seen as. */
  private readonly aliases = new Map<string, string>();

  resolve(polls: InstancePoll[], views: InstanceView[], group: GroupDescription | undefined): Map<string, Owner> {
    const owners = new Map<string, Owner>();
    polls.forEach((poll, i) => {
      const view = views[i];
      if (!poll.up || !view) return;
      for (const p of poll.assigned) owners.set(p, { owner: view.instance, ownerSource: 'instance' });
    });
    if (!group) return owners;
    if (group.state === 'Stable') this.learn(polls, views, group.members);
    const gone = new Set(views.filter((v) => v.state !== 'up').map((v) => v.instance));
    for (const member of group.members) {
      const alias = this.aliases.get(memberKey(member));
      for (const p of member.assigned) {
        if (owners.has(p)) continue;
        if (alias && gone.has(alias)) owners.set(p, { owner: alias, ownerSource: 'stopped' });
        else owners.set(p, { owner: alias ?? (member.groupInstanceId || member.clientId), ownerSource: 'member' });
      }
    }
    return owners;
  }

  private learn(polls: InstancePoll[], views: InstanceView[], members: GroupMember[]): void {
    polls.forEach((poll, i) => {
      const name = views[i]?.instance;
      if (!poll.up || !name || poll.assigned.length === 0) return;
      const member = members.find((m) => sameSet(m.assigned, poll.assigned));
      if (member) this.aliases.set(memberKey(member), name);
    });
  }
}

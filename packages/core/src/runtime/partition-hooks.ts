import type { Logger } from 'pino';
import type { GroupDefinition, HookKind } from '../model/definitions.js';
import type { TopicPartition } from '../model/topic-partition.js';

/**
 * Runs a group's `@OnPartitions…` hooks of one kind, in order. A hook's failure is logged and the
 * next runs: it must not block the rebalance (the group would stall for every member).
 */
export async function runPartitionHooks(
  hooks: GroupDefinition['hooks'],
  kind: HookKind,
  partitions: TopicPartition[],
  logger: Logger,
): Promise<void> {
  for (const hook of hooks[kind]) {
    try {
      await hook.run(partitions);
    } catch (err) {
      logger.error({ err, hook: hook.name }, `partition ${kind} hook failed`);
    }
  }
}

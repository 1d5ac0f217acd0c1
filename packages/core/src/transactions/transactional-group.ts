import { randomUUID } from 'node:crypto';
import type { ResolvedGroupOptions } from '../config/group-options.js';
import { TributaryConfigError } from '../errors.js';
import type { MessageContext } from '../message.js';
import type { GroupDefinition } from '../model/definitions.js';
import { TransactionRunner, type TransactionRunnerDeps } from './transaction-runner.js';

/**
 * Kafka Streams' default for exactly-once (Kafka's own is 60 s): a member killed mid-transaction
 * holds its output partitions' last stable offset back this long at most, when no new instance
 * with its transactional.id fences it sooner.
 */
export const TRANSACTION_TIMEOUT_MS = 10_000;

type RunnerInputs = Omit<TransactionRunnerDeps, 'producerSettings' | 'settings'> & {
  definition: GroupDefinition;
  options: ResolvedGroupOptions;
  consumerConfig: Record<string, unknown>;
  brokers: string;
};

/**
 * The group's transaction runner when its handlers are `@Consume({ transactional })`, else
 * undefined. A group is transactional as a whole (its offsets go through the transactions, not
 * OffsetCommit) and in partition ordering (a transaction commits contiguous done offsets only).
 *
 * transactional.id: with static membership (`groupInstanceId`) it is `<group>-<instance>`, so a
 * restarted instance fences its predecessor at once (InitProducerId aborts its open transaction);
 * otherwise unique per process, and a killed member's open transaction is aborted by the broker
 * after `transaction.timeout.ms`. Either way a zombie cannot commit offsets for partitions it lost:
 * TxnOffsetCommit carries its group metadata (KIP-447) and the coordinator refuses an old
 * generation or an unknown member.
 */
export function transactionRunnerFor(inputs: RunnerInputs): TransactionRunner | undefined {
  const { definition, options, consumerConfig } = inputs;
  const handlers = [...new Set(definition.handlersByTopic.values())];
  const transactional = handlers.filter((h) => h.transactional);
  if (transactional.length === 0) return undefined;
  const plain = handlers.filter((h) => !h.transactional);
  if (plain.length > 0) {
    throw new TributaryConfigError(
      `groups.${definition.groupId}`,
      `mixes transactional handlers (${transactional.map((h) => h.name).join(', ')}) with others ` +
        `(${plain.map((h) => h.name).join(', ')}): a group's offsets commit one way; use two groups`,
    );
  }
  for (const h of transactional) {
    const ordering = h.ordering ?? options.ordering;
    if (ordering !== 'partition') {
      throw new TributaryConfigError(
        `groups.${definition.groupId}.ordering`,
        `${h.name} is transactional and needs ordering 'partition', not '${ordering}'`,
      );
    }
  }
  const instance = consumerConfig['group.instance.id'];
  const transactionalId =
    typeof instance === 'string' ? `${definition.groupId}-${instance}` : `${definition.groupId}-${randomUUID()}`;
  return new TransactionRunner({
    ...inputs,
    producerSettings: {
      'bootstrap.servers': inputs.brokers,
      'client.id': `${String(consumerConfig['client.id'] ?? 'tributary')}-txn`,
      'transactional.id': transactionalId,
      'transaction.timeout.ms': TRANSACTION_TIMEOUT_MS,
      'linger.ms': 5,
      log_level: 3,
    },
    settings: {
      maxMessages: Math.min(...transactional.map((h) => h.transactional?.maxMessages ?? 100)),
      maxMs: Math.min(...transactional.map((h) => h.transactional?.maxMs ?? 100)),
    },
  });
}

/** The chains with the runner's gate and `ctx.send` around them (unchanged without a runner). */
export function withTransactions(
  chains: Map<string, (ctx: MessageContext) => Promise<void>>,
  runner: TransactionRunner | undefined,
): Map<string, (ctx: MessageContext) => Promise<void>> {
  if (!runner) return chains;
  return new Map([...chains].map(([name, chain]) => [name, runner.wrap(chain)]));
}

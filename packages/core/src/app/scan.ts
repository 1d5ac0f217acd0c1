import { groupOptionsSchema } from '../config/schema.js';
import { validateConfig } from '../config/validate.js';
import { resolveDecoder } from '../decode.js';
import {
  CONSUME_METADATA,
  type ConsumeRecord,
  GROUP_METADATA,
  HOOK_METADATA,
  type HookKind,
  type HookRecord,
  MIDDLEWARE_METADATA,
  type MiddlewareRecord,
} from '../decorators/metadata-keys.js';
import { HandlerRegistrationError, TributaryConfigError } from '../errors.js';
import {
  batchDefaults,
  type ConsumeBatchOptions,
  type ConsumeOptions,
  consumeBatchOptionsSchema,
  consumeOptionsSchema,
  normalizeConsumeSpec,
  TRANSACTION_DEFAULTS,
} from '../handlers/consume-options.js';
import type { Message } from '../message.js';
import type { BatchSpec, GroupDefinition, HandlerDefinition } from '../model/definitions.js';
import { HandlerRouter, isPattern } from '../model/handler-routing.js';
import type { Resolvable, Resolver } from './resolver.js';

/** A `@ConsumeBatch` method's batch: every message decoded (and validated) before the method runs. */
function batchSpec(spec: ConsumeBatchOptions, instance: object, method: Function): BatchSpec {
  return {
    maxSize: spec.maxSize ?? batchDefaults.maxSize,
    maxWaitMs: spec.maxWaitMs ?? batchDefaults.maxWaitMs,
    invoke: async (messages: Message[], ctx) => {
      for (const message of messages) void message.value;
      return method.call(instance, messages, ctx);
    },
  };
}

const describe = (cls: Function, method?: string | symbol) => (method ? `${cls.name}.${String(method)}` : cls.name);

/**
 * The only reader of decorator metadata: validates every decorated class, resolves it from the
 * resolver, and groups handlers by consumer group. Every mistake names the class (and method).
 */
export function scanHandlers(classes: readonly unknown[], resolver: Resolver): GroupDefinition[] {
  const groups = new Map<string, GroupDefinition>();
  for (const cls of classes) {
    if (typeof cls !== 'function') {
      throw new TributaryConfigError('handlers', `expected classes decorated with @ConsumerGroup, got ${typeof cls}`);
    }
    const group = Reflect.getMetadata(GROUP_METADATA, cls) as { groupId: unknown; options: unknown } | undefined;
    if (!group) throw new HandlerRegistrationError(cls.name, 'is not decorated with @ConsumerGroup(groupId)');
    if (typeof group.groupId !== 'string' || group.groupId.trim() === '') {
      throw new HandlerRegistrationError(cls.name, '@ConsumerGroup needs a non-empty group id');
    }
    const options = validateConfig(
      groupOptionsSchema,
      group.options ?? {},
      `@ConsumerGroup(${group.groupId}) on ${cls.name}`,
    );
    const consumes = (Reflect.getOwnMetadata(CONSUME_METADATA, cls) ?? []) as ConsumeRecord[];
    if (consumes.length === 0) throw new HandlerRegistrationError(cls.name, 'has no @Consume(topic) method');

    const instance = resolver.resolve(cls as Resolvable) as Record<string | symbol, unknown>;
    const definition =
      groups.get(group.groupId) ??
      ({
        groupId: group.groupId,
        options: {},
        handlersByTopic: new Map(),
        hooks: { assigned: [], revoked: [], lost: [] },
      } as GroupDefinition);
    definition.options = { ...definition.options, ...options };
    groups.set(group.groupId, definition);

    const middlewareByMethod = new Map<string | symbol, unknown[]>();
    for (const record of (Reflect.getOwnMetadata(MIDDLEWARE_METADATA, cls) ?? []) as MiddlewareRecord[]) {
      middlewareByMethod.set(record.method, [...(middlewareByMethod.get(record.method) ?? []), ...record.middleware]);
    }
    for (const record of consumes) {
      const name = describe(cls, record.method);
      const method = instance[record.method];
      if (typeof method !== 'function')
        throw new HandlerRegistrationError(name, '@Consume is on something that is not a method');
      const decorator = record.batch ? '@ConsumeBatch' : '@Consume';
      let spec: ConsumeBatchOptions & ConsumeOptions;
      try {
        const schema = record.batch ? consumeBatchOptionsSchema : consumeOptionsSchema;
        spec = validateConfig(schema, normalizeConsumeSpec(record.spec), '') as ConsumeBatchOptions & ConsumeOptions;
      } catch (err) {
        const problem =
          err instanceof TributaryConfigError
            ? `${decorator} option ${err.key || '(topic)'}: ${err.problem}`
            : String(err);
        throw new HandlerRegistrationError(name, problem);
      }
      // Validated: a pattern is its source by now (starting with ^, as librdkafka subscribes to it).
      const topics = (spec.topics ?? [spec.topic]) as string[];
      const handler: HandlerDefinition = {
        name,
        topics,
        ordering: spec.ordering,
        decoder: resolveDecoder(spec.decoder),
        schema: spec.schema,
        transactional: spec.transactional
          ? { ...TRANSACTION_DEFAULTS, ...(spec.transactional === true ? {} : spec.transactional) }
          : undefined,
        invoke: (message, ctx) => {
          try {
            // Decode (and validate) before the user's method runs: it never sees an invalid message.
            void message.value;
            // Not an async wrapper: adopting the method's promise from one cost a promise and two turns per message.
            return Promise.resolve((method as Function).call(instance, message, ctx));
          } catch (err) {
            return Promise.reject(err);
          }
        },
        middleware: middlewareByMethod.get(record.method) ?? [],
        batch: record.batch ? batchSpec(spec, instance, method as Function) : undefined,
      };
      for (const topic of topics) {
        const existing = definition.handlersByTopic.get(topic);
        if (existing) {
          throw new HandlerRegistrationError(
            name,
            `topic "${topic}" already has a handler in group "${group.groupId}": ${existing.name}`,
          );
        }
        definition.handlersByTopic.set(topic, handler);
      }
    }
    for (const record of (Reflect.getOwnMetadata(HOOK_METADATA, cls) ?? []) as HookRecord[]) {
      const name = describe(cls, record.method);
      const method = instance[record.method];
      if (typeof method !== 'function') throw new HandlerRegistrationError(name, 'partition hook is not a method');
      definition.hooks[record.kind].push({
        name,
        run: (partitions: unknown[]) => (method as Function).call(instance, partitions),
      });
    }
  }
  // A topic of its own that another handler's pattern also matches: known now, so it fails now.
  // (Two patterns overlap only on topics the cluster has: `GroupConsumer.start` checks those.)
  for (const definition of groups.values()) {
    new HandlerRouter(definition).checkOverlaps([...definition.handlersByTopic.keys()].filter((t) => !isPattern(t)));
  }
  return [...groups.values()];
}

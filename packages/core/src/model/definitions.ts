import type { GroupOptions, Ordering } from '../config/schema.js';
import type { Decoder, SchemaLike } from '../decode.js';
import type { BatchContext, Message, MessageContext } from '../message.js';

export type HookKind = 'assigned' | 'revoked' | 'lost';

/** One `@Consume` method, as the scanner resolved it. */
export interface HandlerDefinition {
  /** `Class.method`, used in logs, errors and metrics. */
  name: string;
  topics: string[];
  ordering?: Ordering;
  decoder: Decoder;
  schema?: SchemaLike;
  /** `@Consume({ transactional })`, with its defaults filled in. */
  transactional?: { maxMessages: number; maxMs: number };
  invoke: (message: Message, ctx: MessageContext) => Promise<void>;
  middleware: unknown[];
  /** Set for a `@ConsumeBatch` method: how its batches are formed, and the method itself. */
  batch?: BatchSpec;
}

export interface BatchSpec {
  maxSize: number;
  maxWaitMs: number;
  invoke: (messages: Message[], ctx: BatchContext) => Promise<void>;
}

/** One consumer group: its options, its handlers by topic and its partition hooks. */
export interface GroupDefinition {
  groupId: string;
  options: GroupOptions;
  handlersByTopic: Map<string, HandlerDefinition>;
  hooks: Record<HookKind, Array<{ name: string; run: (partitions: unknown[]) => unknown }>>;
}

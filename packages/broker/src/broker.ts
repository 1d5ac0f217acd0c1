import type { TopicSpec } from './options.js';

/** Kafka protocol API keys, for `injectErrors`. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  InitProducerId: 22,
  ConsumerGroupHeartbeat: 68,
} as const;

/** Kafka protocol error codes commonly injected in fault tests. */
export const KafkaErrorCode = {
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  NOT_ENOUGH_REPLICAS: 19,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
} as const;

/**
 * A running embedded Kafka cluster and its fault controls. The same interface is served
 * in-process (`startBroker`) and from a child process (`startBrokerProcess`).
 */
export interface EmbeddedBroker {
  /** `host:port,host:port` — pass as `bootstrap.servers` / `KAFKA_BROKERS`. */
  readonly bootstrapServers: string;
  readonly brokerCount: number;
  createTopic(topic: TopicSpec): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  /** Disconnects broker `id` (1-based; -1 for all) and refuses new connections. */
  setBrokerDown(id: number): Promise<void>;
  setBrokerUp(id: number): Promise<void>;
  /** Adds `ms` of round-trip delay to every response of broker `id`. */
  setRtt(id: number, ms: number): Promise<void>;
  /** The next `codes.length` requests of `apiKey` fail with these error codes, in order. */
  injectErrors(apiKey: number, codes: number[]): Promise<void>;
  clearErrors(apiKey: number): Promise<void>;
  /** Moves the group coordinator of `groupId` to broker `id`. */
  setCoordinator(groupId: string, id: number): Promise<void>;
  setPartitionLeader(topic: string, partition: number, id: number): Promise<void>;
  stop(): Promise<void>;
}

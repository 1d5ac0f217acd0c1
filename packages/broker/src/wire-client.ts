/**
 * A minimal Kafka protocol client for the coordinator's tests: one TCP connection, one request in
 * flight at a time (as Kafka serves a connection), the classic group APIs at fixed non-flexible
 * versions. It lets a test act as a group member step by step — join, sync, commit with a chosen
 * generation — which no real client exposes. Not part of the package's public API.
 */
import { connect, type Socket } from 'node:net';

/** Writes Kafka's big-endian primitives into a growing buffer. */
class Writer {
  private readonly chunks: Buffer[] = [];
  i16(v: number) {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  i64(v: number) {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return this.push(b);
  }
  bool(v: boolean) {
    return this.push(Buffer.from([v ? 1 : 0]));
  }
  /** A flexible version's unsigned varint (lengths + 1 of compact strings and arrays, tags). */
  uvarint(v: number) {
    const bytes: number[] = [];
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v > 0) b |= 0x80;
      bytes.push(b);
    } while (v > 0);
    return this.push(Buffer.from(bytes));
  }
  compactStr(v: string | null) {
    if (v === null) return this.uvarint(0);
    const bytes = Buffer.from(v, 'utf8');
    return this.uvarint(bytes.length + 1).push(bytes);
  }
  str(v: string | null) {
    if (v === null) return this.i16(-1);
    const bytes = Buffer.from(v, 'utf8');
    return this.i16(bytes.length).push(bytes);
  }
  bytes(v: Buffer | null) {
    if (v === null) return this.i32(-1);
    return this.i32(v.length).push(v);
  }
  array<T>(items: T[], each: (w: Writer, item: T) => void) {
    this.i32(items.length);
    for (const item of items) each(this, item);
    return this;
  }
  private push(b: Buffer) {
    this.chunks.push(b);
    return this;
  }
  build(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Reads Kafka's big-endian primitives from a response body. */
class Reader {
  private of = 0;
  constructor(private readonly buf: Buffer) {}
  i16() {
    const v = this.buf.readInt16BE(this.of);
    this.of += 2;
    return v;
  }
  i32() {
    const v = this.buf.readInt32BE(this.of);
    this.of += 4;
    return v;
  }
  i64() {
    const v = Number(this.buf.readBigInt64BE(this.of));
    this.of += 8;
    return v;
  }
  str(): string | null {
    const len = this.i16();
    if (len < 0) return null;
    const v = this.buf.toString('utf8', this.of, this.of + len);
    this.of += len;
    return v;
  }
  bytes(): Buffer | null {
    const len = this.i32();
    if (len < 0) return null;
    const v = this.buf.subarray(this.of, this.of + len);
    this.of += len;
    return v;
  }
  array<T>(each: (r: Reader) => T): T[] {
    const n = this.i32();
    return Array.from({ length: Math.max(0, n) }, () => each(this));
  }
  uvarint(): number {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.buf[this.of++] as number;
      v |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  compactStr(): string | null {
    const len = this.uvarint() - 1;
    if (len < 0) return null;
    const v = this.buf.toString('utf8', this.of, this.of + len);
    this.of += len;
    return v;
  }
  compactArray<T>(each: (r: Reader) => T): T[] {
    const n = this.uvarint() - 1;
    return Array.from({ length: Math.max(0, n) }, () => each(this));
  }
}

interface JoinRequest {
  groupId: string;
  memberId?: string;
  instanceId?: string | null;
  topics: string[];
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
}

/** KIP-394: a dynamic member's first JoinGroup gets its member id with this error. */
export const MEMBER_ID_REQUIRED = 79;

const API = {
  OffsetCommit: 8,
  OffsetFetch: 9,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  InitProducerId: 22,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
};
const API_DESCRIBE_GROUPS = 15;
const API_LIST_GROUPS = 16;

/** ConsumerProtocolSubscription v0: the topics a member subscribes to. */
export function subscription(topics: string[]): Buffer {
  return new Writer()
    .i16(0)
    .array(topics, (w, t) => w.str(t))
    .bytes(null)
    .build();
}

export interface JoinResult {
  error: number;
  generationId: number;
  protocol: string | null;
  leader: string | null;
  memberId: string | null;
  members: Array<{ memberId: string | null; instanceId: string | null }>;
}

export interface DescribedGroup {
  error: number;
  groupId: string | null;
  state: string | null;
  protocolType: string | null;
  protocol: string | null;
  members: Array<{ memberId: string | null; instanceId: string | null; clientId: string | null; host: string | null }>;
}

/** One connection to one broker, requests answered strictly in order. */
export class WireClient {
  private correlationId = 0;
  private pending: Array<(body: Buffer) => void> = [];
  private received = Buffer.alloc(0);

  private constructor(
    private readonly socket: Socket,
    private readonly clientId: string,
  ) {
    socket.on('data', (chunk) => this.onData(chunk));
  }

  static open(hostPort: string, clientId = 'wire-client'): Promise<WireClient> {
    const [host, port] = hostPort.split(':');
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port: Number(port) }, () => resolve(new WireClient(socket, clientId)));
      socket.once('error', reject);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    while (this.received.length >= 4) {
      const size = this.received.readInt32BE(0);
      if (this.received.length < 4 + size) return;
      // Skip the response header: the correlation id.
      const body = this.received.subarray(8, 4 + size);
      this.received = this.received.subarray(4 + size);
      this.pending.shift()?.(body);
    }
  }

  /** `flexible`: request header v2 (tags after the client id); the caller skips the response's tags. */
  private request(apiKey: number, version: number, body: Buffer, flexible = false): Promise<Reader> {
    const w = new Writer()
      .i16(apiKey)
      .i16(version)
      .i32(++this.correlationId)
      .str(this.clientId);
    const header = (flexible ? w.uvarint(0) : w).build();
    const frame = Buffer.concat([header, body]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(frame.length);
    return new Promise((resolve) => {
      this.pending.push((b) => resolve(new Reader(b)));
      this.socket.write(Buffer.concat([size, frame]));
    });
  }

  async joinGroup(
    req: JoinRequest & {
      /** Return a MEMBER_ID_REQUIRED answer instead of joining again with its id (as clients do). */
      stopAtMemberIdRequired?: boolean;
    },
  ): Promise<JoinResult> {
    const result = await this.joinOnce(req);
    if (result.error !== MEMBER_ID_REQUIRED || req.memberId || req.stopAtMemberIdRequired) return result;
    return this.joinOnce({ ...req, memberId: result.memberId as string });
  }

  private async joinOnce(req: JoinRequest): Promise<JoinResult> {
    const body = new Writer()
      .str(req.groupId)
      .i32(req.sessionTimeoutMs ?? 45_000)
      .i32(req.rebalanceTimeoutMs ?? 300_000)
      .str(req.memberId ?? '')
      .str(req.instanceId ?? null)
      .str('consumer')
      .array(['range'], (w, name) => w.str(name).bytes(subscription(req.topics)))
      .build();
    const r = await this.request(API.JoinGroup, 5, body);
    r.i32(); // throttle
    return {
      error: r.i16(),
      generationId: r.i32(),
      protocol: r.str(),
      leader: r.str(),
      memberId: r.str(),
      members: r.array((m) => {
        const memberId = m.str();
        const instanceId = m.str();
        m.bytes();
        return { memberId, instanceId };
      }),
    };
  }

  async syncGroup(req: {
    groupId: string;
    generationId: number;
    memberId: string;
    instanceId?: string | null;
    assignments?: Array<{ memberId: string; assignment: Buffer }>;
  }): Promise<{ error: number; assignment: Buffer | null }> {
    const body = new Writer()
      .str(req.groupId)
      .i32(req.generationId)
      .str(req.memberId)
      .str(req.instanceId ?? null)
      .array(req.assignments ?? [], (w, a) => w.str(a.memberId).bytes(a.assignment))
      .build();
    const r = await this.request(API.SyncGroup, 3, body);
    r.i32();
    return { error: r.i16(), assignment: r.bytes() };
  }

  async heartbeat(req: {
    groupId: string;
    generationId: number;
    memberId: string;
    instanceId?: string | null;
  }): Promise<number> {
    const body = new Writer()
      .str(req.groupId)
      .i32(req.generationId)
      .str(req.memberId)
      .str(req.instanceId ?? null)
      .build();
    const r = await this.request(API.Heartbeat, 3, body);
    r.i32();
    return r.i16();
  }

  /** @returns the error code of each committed partition, in request order. */
  async offsetCommit(req: {
    groupId: string;
    generationId: number;
    memberId: string;
    instanceId?: string | null;
    offsets: Array<{ topic: string; partition: number; offset: number }>;
  }): Promise<number[]> {
    const body = new Writer()
      .str(req.groupId)
      .i32(req.generationId)
      .str(req.memberId)
      .str(req.instanceId ?? null)
      .array(req.offsets, (w, o) =>
        w.str(o.topic).array([o], (pw, p) => pw.i32(p.partition).i64(p.offset).i32(-1).str(null)),
      )
      .build();
    const r = await this.request(API.OffsetCommit, 7, body);
    r.i32();
    return r
      .array((t) => {
        t.str();
        return t.array((p) => {
          p.i32();
          return p.i16();
        });
      })
      .flat();
  }

  /** InitProducerId v1 for a transactional id: the producer id and epoch (or the error). */
  async initProducerId(transactionalId: string): Promise<{ error: number; producerId: number; epoch: number }> {
    const r = await this.request(API.InitProducerId, 1, new Writer().str(transactionalId).i32(60_000).build());
    r.i32();
    return { error: r.i16(), producerId: r.i64(), epoch: r.i16() };
  }

  /** AddOffsetsToTxn v1: the group's offsets join the transaction. @returns the error code. */
  async addOffsetsToTxn(req: { transactionalId: string; producerId: number; epoch: number; groupId: string }) {
    const body = new Writer().str(req.transactionalId).i64(req.producerId).i16(req.epoch).str(req.groupId).build();
    const r = await this.request(API.AddOffsetsToTxn, 1, body);
    r.i32();
    return r.i16();
  }

  /** EndTxn v1: commits or aborts the transaction. @returns the error code. */
  async endTxn(req: { transactionalId: string; producerId: number; epoch: number; commit: boolean }) {
    const body = new Writer().str(req.transactionalId).i64(req.producerId).i16(req.epoch).bool(req.commit).build();
    const r = await this.request(API.EndTxn, 1, body);
    r.i32();
    return r.i16();
  }

  /** TxnOffsetCommit v3 (KIP-447: with the group metadata). @returns each partition's error code. */
  async txnOffsetCommit(req: {
    transactionalId: string;
    groupId: string;
    producerId: number;
    epoch: number;
    generationId: number;
    memberId: string;
    instanceId?: string | null;
    offsets: Array<{ topic: string; partition: number; offset: number }>;
  }): Promise<number[]> {
    const w = new Writer()
      .compactStr(req.transactionalId)
      .compactStr(req.groupId)
      .i64(req.producerId)
      .i16(req.epoch)
      .i32(req.generationId)
      .compactStr(req.memberId)
      .compactStr(req.instanceId ?? null)
      .uvarint(req.offsets.length + 1);
    for (const o of req.offsets) {
      w.compactStr(o.topic).uvarint(2).i32(o.partition).i64(o.offset).i32(-1).compactStr(null).uvarint(0).uvarint(0);
    }
    const r = await this.request(API.TxnOffsetCommit, 3, w.uvarint(0).build(), true);
    r.uvarint(); // response header tags
    r.i32();
    return r
      .compactArray((t) => {
        t.compactStr();
        const errors = t.compactArray((p) => {
          p.i32();
          const error = p.i16();
          p.uvarint();
          return error;
        });
        t.uvarint();
        return errors;
      })
      .flat();
  }

  /** @returns the group's committed offset of one partition (-1: none). */
  async committedOffset(groupId: string, topic: string, partition: number): Promise<number> {
    const body = new Writer()
      .str(groupId)
      .array([topic], (w, t) => w.str(t).array([partition], (pw, p) => pw.i32(p)))
      .build();
    const r = await this.request(API.OffsetFetch, 5, body);
    r.i32();
    const offsets = r.array((t) => {
      t.str();
      return t.array((p) => {
        p.i32();
        const offset = p.i64();
        p.i32();
        p.str();
        const error = p.i16();
        if (error !== 0) throw new Error(`OffsetFetch failed with error ${error}`);
        return offset;
      });
    });
    return offsets.flat()[0] ?? -1;
  }

  async leaveGroup(groupId: string, memberId: string): Promise<number> {
    const r = await this.request(API.LeaveGroup, 1, new Writer().str(groupId).str(memberId).build());
    r.i32();
    return r.i16();
  }

  async describeGroup(groupId: string): Promise<DescribedGroup> {
    const body = new Writer()
      .array([groupId], (w, g) => w.str(g))
      .bool(false)
      .build();
    const r = await this.request(API_DESCRIBE_GROUPS, 4, body);
    r.i32();
    const [group] = r.array((g) => {
      const described: DescribedGroup = {
        error: g.i16(),
        groupId: g.str(),
        state: g.str(),
        protocolType: g.str(),
        protocol: g.str(),
        members: g.array((m) => {
          const member = { memberId: m.str(), instanceId: m.str(), clientId: m.str(), host: m.str() };
          m.bytes();
          m.bytes();
          return member;
        }),
      };
      g.i32(); // authorized operations
      return described;
    });
    return group as DescribedGroup;
  }

  async listGroups(): Promise<Array<{ groupId: string | null; protocolType: string | null }>> {
    const r = await this.request(API_LIST_GROUPS, 2, Buffer.alloc(0));
    r.i32();
    const error = r.i16();
    if (error !== 0) throw new Error(`ListGroups failed with error ${error}`);
    return r.array((g) => ({ groupId: g.str(), protocolType: g.str() }));
  }
}

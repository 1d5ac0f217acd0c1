import { OffsetReader, type Watermarks } from '../kafka-offsets.js';

export interface OpenTopic {
  /** Offsets, watermarks and commits, as `tributary lag` reads them. */
  offsets: OffsetReader;
  partitionCount: number;
  watermarks: Watermarks[];
}

/**
 * Connects for `group` and looks `topic` up: unreachable brokers and an unknown topic fail here
 * with a LagError naming them (the topic is not created by looking).
 */
export async function openTopic(brokers: string, group: string, topic: string, timeoutMs: number): Promise<OpenTopic> {
  const offsets = await OffsetReader.connect(brokers, group, timeoutMs);
  try {
    const partitionCount = (await offsets.topics([topic])).get(topic) as number;
    return { offsets, partitionCount, watermarks: await offsets.watermarks(topic, partitionCount) };
  } catch (err) {
    await offsets.close();
    throw err;
  }
}

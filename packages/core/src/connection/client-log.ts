/** An offset reset librdkafka announced in its log. */
export interface OffsetReset {
  topic: string;
  partition: number;
  detail: string;
}

/**
 * Reads an offset reset out of a librdkafka log line: "<topic> [<p>]: offset reset (at …) to …".
 * The same line announces a group's very first start ("no previously committed offset
 * available"), which skips nothing and is not a reset. The binding reports resets no other way.
 */
export function offsetResetOf(message: string): OffsetReset | 'first-start' | undefined {
  const reset = /(\S+) \[(\d+)\]: offset reset/.exec(message);
  if (!reset) return undefined;
  if (message.includes('no previously committed offset')) return 'first-start';
  return { topic: reset[1] as string, partition: Number(reset[2]), detail: message };
}

import type { Message } from '@confluentinc/kafka-javascript';
import { headerPairs } from '@tributary/lag';

/** Bytes shown as text where they are valid UTF-8 without control characters, else as hex. */
export type DecodedBytes = { encoding: 'text'; text: string } | { encoding: 'hex'; hex: string };

/** A message value: JSON where it parses, else as bytes are shown; `null` for a tombstone. */
export type DecodedValue = DecodedBytes | { encoding: 'json'; json: unknown } | { encoding: 'null' };

export interface DecodedMessage {
  topic: string;
  partition: number;
  offset: number;
  /** ISO time of the message's timestamp; null when it has none. */
  timestamp: string | null;
  key: DecodedBytes | null;
  headers: Array<{ key: string; value: DecodedBytes }>;
  value: DecodedValue;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** C0 controls but tab, newline and carriage return, DEL, and C1 controls: not text a terminal should get. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

export function decodeBytes(bytes: Buffer | string): DecodedBytes {
  if (typeof bytes === 'string') return { encoding: 'text', text: bytes };
  try {
    const text = utf8.decode(bytes);
    if (!hasControlCharacters(text)) return { encoding: 'text', text };
  } catch {
    // not UTF-8: hex below
  }
  return { encoding: 'hex', hex: bytes.toString('hex') };
}

export function decodeValue(bytes: Buffer | null | undefined): DecodedValue {
  if (bytes === null || bytes === undefined) return { encoding: 'null' };
  const decoded = decodeBytes(bytes);
  if (decoded.encoding === 'text') {
    try {
      return { encoding: 'json', json: JSON.parse(decoded.text) };
    } catch {
      // text that is not JSON
    }
  }
  return decoded;
}

/** Headers as the binding gives them (one object per header, repeated keys allowed) as pairs. */

export function decodeMessage(message: Message): DecodedMessage {
  const key = message.key === undefined || message.key === null ? null : message.key;
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp:
      typeof message.timestamp === 'number' && message.timestamp >= 0
        ? new Date(message.timestamp).toISOString()
        : null,
    key: key === null ? null : decodeBytes(Buffer.isBuffer(key) ? key : Buffer.from(String(key))),
    headers: headerPairs(message.headers).map(([name, value]) => ({ key: name, value: decodeBytes(value) })),
    value: decodeValue(message.value),
  };
}

const bytesText = (b: DecodedBytes) => (b.encoding === 'text' ? b.text : `hex:${b.hex}`);

/** What `--grep` searches: the key, the header values and the value, as they are printed. */
export function searchableText(m: DecodedMessage): string {
  const value =
    m.value.encoding === 'json'
      ? JSON.stringify(m.value.json)
      : m.value.encoding === 'null'
        ? ''
        : bytesText(m.value as DecodedBytes);
  return [m.key ? bytesText(m.key) : '', ...m.headers.map((h) => `${h.key}=${bytesText(h.value)}`), value].join('\n');
}

/** The `--json` form: one object per message, each field's encoding said beside it. */
export function messageAsJson(m: DecodedMessage): Record<string, unknown> {
  const bytes = (b: DecodedBytes) => (b.encoding === 'text' ? b.text : b.hex);
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: m.timestamp,
    key: m.key ? bytes(m.key) : null,
    keyEncoding: m.key ? m.key.encoding : 'null',
    headers: m.headers.map((h) => ({ key: h.key, value: bytes(h.value), encoding: h.value.encoding })),
    value:
      m.value.encoding === 'json' ? m.value.json : m.value.encoding === 'null' ? null : bytes(m.value as DecodedBytes),
    valueEncoding: m.value.encoding,
  };
}

/**
 * The readable form: a line with where the message is, its time and key, one line per header, then
 * the value (JSON pretty-printed), and a blank line. Hex is written `hex:…`.
 */
export function messageAsText(m: DecodedMessage): string {
  const lines = [
    `partition=${m.partition} offset=${m.offset} timestamp=${m.timestamp ?? '-'} key=${m.key ? bytesText(m.key) : '(null)'}`,
    // A multi-line header (a stack trace) stays visibly one header: its lines are indented.
    ...m.headers.map((h) => `header ${h.key}=${bytesText(h.value).replace(/\n/g, '\n  ')}`),
  ];
  if (m.value.encoding === 'null') lines.push('value: null (tombstone)');
  else if (m.value.encoding === 'json') lines.push('value (json):', JSON.stringify(m.value.json, null, 2));
  else if (m.value.encoding === 'text') lines.push('value (text):', m.value.text);
  else lines.push('value (hex):', m.value.hex);
  return `${lines.join('\n')}\n\n`;
}

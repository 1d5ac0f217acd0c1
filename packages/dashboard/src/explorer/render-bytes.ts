/** Bytes as the explorer shows them. */
export interface RenderedBytes {
  /** `null`: no bytes at all (a null key or a tombstone); `json`: pretty-printed; `text`: UTF-8; `hex`: anything else. */
  kind: 'null' | 'json' | 'text' | 'hex';
  text: string;
  /** Size of the original bytes. */
  bytes: number;
  /** Only the first bytes are shown (see the limits). */
  truncated: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Text with control characters (other than tab, newline, carriage return) is binary that happens to decode.
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** UTF-8 text, or undefined when the bytes are not (valid UTF-8 without control characters). */
function asText(bytes: Uint8Array): string | undefined {
  try {
    const text = utf8.decode(bytes);
    return CONTROL.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

/** `ff 00 1a …`, bytes separated by spaces. */
export const hex = (bytes: Uint8Array) =>
  Buffer.from(bytes)
    .toString('hex')
    .replace(/(..)(?=.)/g, '$1 ');

function cut(bytes: Uint8Array, max: number): { head: Uint8Array; truncated: boolean } {
  if (bytes.length <= max) return { head: bytes, truncated: false };
  // Do not split a UTF-8 sequence: back off continuation bytes (10xxxxxx) at the cut.
  let end = max;
  while (end > 0 && end > max - 4 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return { head: bytes.subarray(0, end), truncated: true };
}

/** Keys and header values: text where they are UTF-8, else hex. */
export function renderText(bytes: Uint8Array | string | null | undefined, maxBytes = 4096): RenderedBytes {
  if (bytes === null || bytes === undefined) return { kind: 'null', text: '', bytes: 0, truncated: false };
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const { head, truncated } = cut(buffer, maxBytes);
  const text = asText(head);
  if (text !== undefined) return { kind: 'text', text, bytes: buffer.length, truncated };
  const shown = cut(buffer, Math.min(maxBytes, 1024));
  return { kind: 'hex', text: hex(shown.head), bytes: buffer.length, truncated: shown.truncated };
}

/** Message values: pretty JSON (an object or an array), else text, else hex. */
export function renderValue(bytes: Uint8Array | string | null | undefined, maxBytes = 64 * 1024): RenderedBytes {
  const rendered = renderText(bytes, maxBytes);
  if (rendered.kind !== 'text' || rendered.truncated) return rendered;
  const trimmed = rendered.text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return rendered;
  try {
    return { ...rendered, kind: 'json', text: JSON.stringify(JSON.parse(trimmed), null, 2) };
  } catch {
    return rendered;
  }
}

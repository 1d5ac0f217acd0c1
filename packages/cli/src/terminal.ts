/**
 * Whether `stream` is a terminal that understands cursor control (clear screen, `\r` redraws).
 * Redirected to a file or a pipe, or on a dumb terminal, output must be plain appended lines: control
 * codes there end up as garbage in logs and CI output.
 */
export function canRedraw(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && process.env.TERM !== 'dumb';
}

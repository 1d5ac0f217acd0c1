/** Columns padded to their widest cell, two spaces apart, as `kafka-consumer-groups` prints them. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const all = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (cell ?? '').padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

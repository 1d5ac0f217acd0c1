// Code blocks of README.md that something runs, so the README cannot drift from what is checked.
// A block is named by an HTML comment on the line before its opening fence:
//
//   <!-- snippet: first-handler (who checks it) -->
//   ```ts
//   …
//   ```
//
// Only node: built-ins here (scripts/check-packaging.mjs runs before anything is installed in its
// temporary projects; test/src/readme imports it too).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const README = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');

/** The body of the block named `name` (ending with a newline), or an error naming what is missing. */
export function readmeSnippet(name, text = readFileSync(README, 'utf8')) {
  const lines = text.split('\n');
  // `<!-- snippet: name -->` and `<!-- snippet: name (a note) -->` both start like this.
  const marker = lines.findIndex((line) => line.trim().startsWith(`<!-- snippet: ${name} `));
  if (marker === -1) throw new Error(`README.md has no <!-- snippet: ${name} --> marker`);
  const fence = lines[marker + 1] ?? '';
  if (!/^```\w*$/.test(fence))
    throw new Error(`README.md: the line after <!-- snippet: ${name} --> is not a code fence`);
  const end = lines.findIndex((line, i) => i > marker + 1 && line === '```');
  if (end === -1) throw new Error(`README.md: the ${name} snippet's code block is not closed`);
  return `${lines.slice(marker + 2, end).join('\n')}\n`;
}

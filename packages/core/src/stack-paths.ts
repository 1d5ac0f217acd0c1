import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The location of a frame: inside `at fn (LOCATION:line:column)` (a path, a `file://` URL, `node:…`),
// or a path or URL right after `at ` / `at async ` when the frame has no function name.
const FRAME_LOCATION =
  /(?<=\()[^()\n]+?(?=:\d+:\d+\)$)|(?<=^\s*at (?:async )?)(?:\/|file:\/\/)[^()\n]+?(?=:\d+:\d+$)/gm;

/**
 * A stack with every absolute file path made relative to `cwd` (`dist/handler.js:12:5` instead of
 * `/home/ci/build/…/dist/handler.js:12:5`): stacks leave the process in log lines and DLQ headers,
 * where the build machine's directory layout is noise at best. `node:` and native frames stay as they are.
 */
export function relativeStack(stack: string, cwd: string = process.cwd()): string {
  return stack.replace(FRAME_LOCATION, (location) => {
    const path = location.startsWith('file://') ? fileURLToPath(location) : location;
    return isAbsolute(path) ? relative(cwd, path) || location : location;
  });
}

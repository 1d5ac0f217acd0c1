import { canRedraw } from './terminal.js';

/**
 * Progress of a long scan or replay on stderr, so stdout stays the command's output. Nothing is
 * shown for work that ends within `quietMs`; after that one line at most every `everyMs`, redrawn
 * in place on a terminal and appended (plain lines, no control codes) when stderr is a file or pipe.
 */
export class Progress {
  private readonly started = Date.now();
  private lastShown = 0;
  private shown = false;
  private readonly redraw = canRedraw(process.stderr);

  constructor(
    private readonly label: string,
    private readonly options: { quietMs?: number; everyMs?: number } = {},
  ) {}

  /** Shows `text` if it is time to; cheap enough to call for every message. */
  update(text: () => string): void {
    const now = Date.now();
    if (now - this.started < (this.options.quietMs ?? 1_000)) return;
    if (now - this.lastShown < (this.options.everyMs ?? 1_000)) return;
    this.lastShown = now;
    this.shown = true;
    const line = `[${this.label}] ${text()}`;
    process.stderr.write(this.redraw ? `\r${line}\x1b[K` : `${line}\n`);
  }

  /** Ends a redrawn line so what follows starts on its own. */
  done(): void {
    if (this.shown && this.redraw) process.stderr.write('\n');
  }
}

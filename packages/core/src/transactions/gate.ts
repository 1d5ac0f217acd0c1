/**
 * Admission to transactional handlers. Invariant: while a transaction commits or aborts the gate is
 * closed and no handler runs (`active === 0`), so the transaction holds the output of exactly the
 * messages whose offsets it commits. A closed gate holds new messages before their handler starts.
 */
export class Gate {
  active = 0;
  private closed?: { promise: Promise<void>; open: () => void };
  private idle: Array<() => void> = [];

  /** Resolves when the gate is open (at once when it is). */
  async passed(): Promise<void> {
    while (this.closed) await this.closed.promise;
  }

  /** Counts a handler in when the gate is open (check and count in one step: no commit slips in). */
  tryEnter(): boolean {
    if (this.closed) return false;
    this.active += 1;
    return true;
  }

  leave(): void {
    this.active -= 1;
    if (this.active === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Closes the gate and resolves once no handler runs. */
  async close(): Promise<void> {
    while (this.closed) await this.closed.promise; // one closer at a time
    let open!: () => void;
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.closed = { promise, open };
    if (this.active > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    // The executor marks a message done in the continuation after its chain resolved: let it run.
    await new Promise((resolve) => setImmediate(resolve));
  }

  open(): void {
    const closed = this.closed;
    this.closed = undefined;
    closed?.open();
  }
}

/**
 * A value per label set, found by walking one Map per label value: no key string is built per
 * lookup (joining four label values into a key per message cost more than the count it kept).
 * Label values are compared as given: pass them in one form (a partition always as a number).
 */
export class LabelTree<V> {
  private readonly root = new Map<unknown, unknown>();
  private readonly all: V[] = [];

  /** The value of `path`, if one was set. */
  get(path: readonly unknown[]): V | undefined {
    let node: unknown = this.root;
    for (let i = 0; i < path.length && node !== undefined; i++) node = (node as Map<unknown, unknown>).get(path[i]);
    return node as V | undefined;
  }

  /** Sets the value of `path` (once per label set: values are never replaced) and returns it. */
  set(path: readonly unknown[], value: V): V {
    let map = this.root;
    for (let i = 0; i < path.length - 1; i++) {
      let next = map.get(path[i]) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        map.set(path[i], next);
      }
      map = next;
    }
    map.set(path[path.length - 1], value);
    this.all.push(value);
    return value;
  }

  /** Every value set so far, in the order they were set. */
  values(): readonly V[] {
    return this.all;
  }
}

/**
 * A value per label set, found by walking one Map per label value: no key string is built per
 * lookup (joining four label values into a key per message cost more than the count it kept).
 * Label values are compared as given: pass them in one form (a partition always as a number), and
 * every path of a tree has the same length (one value per label).
 */
export class LabelTree<V> {
  private readonly root = new Map<unknown, unknown>();
  private readonly all: V[] = [];
  /**
   * The last path found and its value: messages come in runs of one partition, so most lookups ask
   * for the path before them again, and comparing its values costs less than a Map walk.
   */
  private lastPath: unknown[] = [];
  private lastValue: V | undefined;

  /** The value of `path`, if one was set. */
  get(path: readonly unknown[]): V | undefined {
    if (this.lastValue !== undefined && sameValues(path, this.lastPath)) return this.lastValue;
    let node: unknown = this.root;
    for (let i = 0; i < path.length && node !== undefined; i++) node = (node as Map<unknown, unknown>).get(path[i]);
    if (node !== undefined) {
      this.lastPath = path.slice();
      this.lastValue = node as V;
    }
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

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

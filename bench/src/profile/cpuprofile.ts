/** The parts of a V8 `.cpuprofile` (as written by `node --cpu-prof`) the summary reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  name: string;
  location: string;
  area: string;
  selfMs: number;
  totalMs: number;
}

export interface ProfileSummary {
  durationMs: number;
  functions: FunctionCost[];
  /** Self time per area (our packages, rxjs, the binding, node internals, GC, idle). */
  areas: Array<{ area: string; selfMs: number }>;
}

/** Which code a frame belongs to, by its file. */
export function areaOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'program (native, not attributed)';
  if (name === '(root)') return 'root';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] === '@tributary/core' ? 'tributary core' : (m[1] as string);
  if (url.includes('/packages/core/')) return 'tributary core';
  if (url.includes('/packages/middleware/')) return '@tributary/middleware';
  if (url.includes('/packages/metrics/')) return '@tributary/metrics';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:') || url === '') return 'node internals / native';
  return url;
}

const shortUrl = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|packages|bench)\//, '$1/');

/**
 * Self time (samples whose top frame is the function) and total time (samples with the function
 * anywhere on the stack, counted once per sample even under recursion), per function.
 */
export function summarize(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (id: number) => {
    const f = (byId.get(id) as CpuProfile['nodes'][number]).callFrame;
    return `${f.functionName || '(anonymous)'}\u0000${f.url}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000; // a sample's time runs until the next one
    const key = keyOf(id);
    self.set(key, (self.get(key) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = keyOf(at);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  }
  const functions: FunctionCost[] = [...total.entries()].map(([key, totalMs]) => {
    const [name, location] = key.split('\u0000') as [string, string];
    const url = location.replace(/:\d+:\d+$/, '');
    return { name, location: shortUrl(location), area: areaOf(url, name), selfMs: self.get(key) ?? 0, totalMs };
  });
  const areas = new Map<string, number>();
  for (const f of functions) areas.set(f.area, (areas.get(f.area) ?? 0) + f.selfMs);
  return {
    durationMs: (profile.endTime - profile.startTime) / 1000,
    functions,
    areas: [...areas.entries()].map(([area, selfMs]) => ({ area, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
  };
}

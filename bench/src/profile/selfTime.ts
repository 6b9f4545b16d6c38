import { SourceMap } from 'node:module';
import { basename } from 'node:path';

/** The parts of a V8 CPU profile (CDP `Profiler.Profile`) the summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time spent in one original source location. */
export interface SelfTime {
  where: string;
  ms: number;
}

/**
 * Self time of the functions of one script in a CPU profile, mapped back through the script's
 * source map to the original file and line where the function starts, largest first. `(compile and top level)` is the
 * script's top-level code, where V8 also books its first compile.
 */
export function selfTime(profile: CpuProfile, scriptUrl: string, sourceMap?: unknown): SelfTime[] {
  const map = sourceMap
    ? new SourceMap(sourceMap as ConstructorParameters<typeof SourceMap>[0])
    : undefined;
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byNode.get(samples[i]!);
    if (!node || !node.callFrame.url.endsWith(scriptUrl)) continue;
    const { functionName, lineNumber, columnNumber } = node.callFrame;
    let where = functionName || '(compile and top level)';
    const entry = map?.findEntry(lineNumber, columnNumber);
    if (entry && 'originalSource' in entry && entry.originalSource) {
      const file = entry.originalSource.replace(/^(\.\.\/)+/, '').replace(/^node_modules\//, '');
      // Minified function names say nothing; the original file and line of the function do.
      where = `${file.includes('web-vitals') ? `web-vitals/${basename(file)}` : file}:${entry.originalLine + 1}`;
    }
    // A sample's delta is the time since the previous sample: it belongs to this sample's frame.
    totals.set(where, (totals.get(where) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  return [...totals].map(([where, ms]) => ({ where, ms })).sort((a, b) => b.ms - a.ms);
}

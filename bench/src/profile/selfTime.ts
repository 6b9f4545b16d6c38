import { SourceMap } from 'node:module';
import { basename } from 'node:path';
import { REPO_ROOT } from '../paths.js';

/** The parts of a V8 CPU profile (CDP / inspector `Profiler.Profile`) the summaries read. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time booked to one place (a function, a file, a package). */
export interface SelfTime {
  where: string;
  ms: number;
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

/**
 * Adds up self time per `label(frame, caller)`, where `caller` is the nearest calling frame of a
 * script outside Node's internals (what a V8 builtin was working for); frames labelled undefined
 * are left out, and so is the profiler's own work (node:inspector).
 */
function tally(
  profile: CpuProfile,
  label: (frame: Frame, caller?: Frame) => string | undefined,
): SelfTime[] {
  const parents = new Map<number, number>();
  profile.nodes.forEach((n) => n.children?.forEach((child) => parents.set(child, n.id)));
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  // Node's own internals are skipped too: the code that asked for the work is more telling.
  const callerOf = (id: number): Frame | undefined => {
    for (let p = parents.get(id); p !== undefined; p = parents.get(p)) {
      const url = frames.get(p)?.url;
      if (url && !url.startsWith('node:')) return frames.get(p);
    }
    return undefined;
  };
  const inspector = new Set<number>();
  for (const n of profile.nodes) {
    for (let p: number | undefined = n.id; p !== undefined; p = parents.get(p)) {
      if (frames.get(p)?.url === 'node:inspector') inspector.add(n.id);
    }
  }
  const labels = new Map(
    profile.nodes.map((n) => [
      n.id,
      inspector.has(n.id)
        ? undefined
        : label(n.callFrame, n.callFrame.url ? undefined : callerOf(n.id)),
    ]),
  );
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const where = labels.get(samples[i]!);
    // A sample's delta is the time since the previous sample: it belongs to this sample's frame.
    if (where !== undefined) totals.set(where, (totals.get(where) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  return [...totals].map(([where, ms]) => ({ where, ms })).sort((a, b) => b.ms - a.ms);
}

/**
 * Self time of the functions of one browser script, mapped back through the script's source map
 * to the original file and line where each function starts (minified names say nothing).
 * `(compile and top level)` is the script's top-level code (line 1, column 1, no name), where V8
 * books its first compile.
 */
export function scriptSelfTime(
  profile: CpuProfile,
  scriptUrl: string,
  sourceMap: unknown,
): SelfTime[] {
  const map = new SourceMap(sourceMap as ConstructorParameters<typeof SourceMap>[0]);
  return tally(profile, ({ url, functionName, lineNumber, columnNumber }) => {
    if (!url.endsWith(scriptUrl)) return undefined;
    if (lineNumber === 0 && columnNumber === 0 && !functionName) return '(compile and top level)';
    const entry = map.findEntry(lineNumber, columnNumber);
    if (!('originalSource' in entry) || !entry.originalSource) {
      // Code the source map does not cover: the bundle's own wrapper around the modules.
      return `${scriptUrl} wrapper (line ${lineNumber + 1}, column ${columnNumber + 1})`;
    }
    const file = entry.originalSource.replace(/^(\.\.\/)+/, '').replace(/^node_modules\//, '');
    return `${file.includes('web-vitals') ? `web-vitals/${basename(file)}` : file}:${entry.originalLine + 1}`;
  });
}

/** `file:///…/node_modules/fastify/lib/x.js` → `fastify`; repo files → their path; else as is. */
function ownerOf(url: string): string {
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:') || (url && !url.includes('/'))) return 'node internals';
  return url.replace(`file://${REPO_ROOT}`, '') || '(V8: gc, program, idle)';
}

/**
 * Self time of a Node process per package (or repo file), the coarse view of where CPU goes. A V8
 * builtin counts for the package whose code called it; GC and the like stay V8's own.
 */
export function selfTimeByOwner(profile: CpuProfile): SelfTime[] {
  return tally(profile, ({ url, functionName }, caller) =>
    url
      ? ownerOf(url)
      : functionName === '(idle)'
        ? undefined
        : caller
          ? ownerOf(caller.url)
          : `V8 ${functionName}`,
  );
}

/** A script URL without the machine's paths: `fastify/lib/route.js`, `collector/dist/esm/x.js`. */
export const shortUrl = (url: string) =>
  url.replace(/^.*node_modules\//, '').replace(`file://${REPO_ROOT}`, '');

const place = ({ url, functionName, lineNumber }: Frame) =>
  `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;

/**
 * Self time of a Node process per function, with its file and line; V8 builtins and native
 * code are named with the script function that called them.
 */
export function selfTimeByFunction(profile: CpuProfile): SelfTime[] {
  return tally(profile, (frame, caller) =>
    frame.url
      ? place(frame)
      : frame.functionName === '(idle)'
        ? undefined
        : `V8 ${frame.functionName}${caller ? ` ← ${place(caller)}` : ''}`,
  );
}

import { SourceMap } from 'node:module';
import { basename } from 'node:path';
import { REPO_ROOT } from '../paths.js';

/** The parts of a V8 CPU profile (CDP / inspector `Profiler.Profile`) the summaries read. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
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

/** Adds up self time per `label(frame)`; frames labelled undefined are left out. */
function tally(profile: CpuProfile, label: (frame: Frame) => string | undefined): SelfTime[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const frame = byNode.get(samples[i]!);
    const where = frame && label(frame);
    // A sample's delta is the time since the previous sample: it belongs to this sample's frame.
    if (where !== undefined) totals.set(where, (totals.get(where) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  return [...totals].map(([where, ms]) => ({ where, ms })).sort((a, b) => b.ms - a.ms);
}

/**
 * Self time of the functions of one browser script, mapped back through the script's source map
 * to the original file and line where each function starts (minified names say nothing).
 * `(compile and top level)` is the script's top-level code, where V8 books its first compile.
 */
export function scriptSelfTime(
  profile: CpuProfile,
  scriptUrl: string,
  sourceMap: unknown,
): SelfTime[] {
  const map = new SourceMap(sourceMap as ConstructorParameters<typeof SourceMap>[0]);
  return tally(profile, ({ url, functionName, lineNumber, columnNumber }) => {
    if (!url.endsWith(scriptUrl)) return undefined;
    const entry = map.findEntry(lineNumber, columnNumber);
    if (!functionName || !('originalSource' in entry) || !entry.originalSource) {
      return '(compile and top level)';
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

/** Self time of a Node process per package (or repo file), the coarse view of where CPU goes. */
export function selfTimeByOwner(profile: CpuProfile): SelfTime[] {
  return tally(profile, ({ url, functionName }) =>
    url ? ownerOf(url) : functionName === '(idle)' ? undefined : `V8 ${functionName}`,
  );
}

/** A script URL without the machine's paths: `fastify/lib/route.js`, `collector/dist/esm/x.js`. */
export const shortUrl = (url: string) =>
  url.replace(/^.*node_modules\//, '').replace(`file://${REPO_ROOT}`, '');

/** Self time of a Node process per function, with its file and line. */
export function selfTimeByFunction(profile: CpuProfile): SelfTime[] {
  return tally(profile, ({ url, functionName, lineNumber }) =>
    url
      ? `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`
      : functionName === '(idle)'
        ? undefined
        : `V8 ${functionName}`,
  );
}

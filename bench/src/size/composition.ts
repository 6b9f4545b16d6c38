import type { Metafile } from 'esbuild';

/** Minified bytes a bundle owes to one package (or to the entry itself). */
export interface Share {
  source: string;
  bytes: number;
}

/** `node_modules/<pkg>/...` → `<pkg>`; `../../sdk/src/lib/x.ts` → `sdk/src/lib/x.ts`. */
function sourceOf(input: string): string {
  const inModules = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/);
  if (inModules) {
    const [, pkg, rest] = inModules;
    // web-vitals ships a plain and an attribution build; which one is used matters for size.
    return pkg === 'web-vitals' && rest!.includes('attribution')
      ? 'web-vitals (attribution build)'
      : pkg!;
  }
  return input.replace(/^(\.\.\/)+/, '');
}

/**
 * Which sources the bytes of a bundle come from, largest first: the profile that explains a size.
 */
export function composition(metafile: Metafile): Share[] {
  const shares = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const source = sourceOf(input);
      shares.set(source, (shares.get(source) ?? 0) + bytesInOutput);
    }
  }
  return [...shares]
    .map(([source, bytes]) => ({ source, bytes }))
    .filter((s) => s.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

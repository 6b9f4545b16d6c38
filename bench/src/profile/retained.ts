import { shortUrl } from './selfTime.js';

/** A node of V8's sampling heap profile (inspector `HeapProfiler.SamplingHeapProfileNode`). */
export interface HeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapProfileNode[];
}

/** Bytes still alive that were allocated at one place. */
export interface Retained {
  where: string;
  bytes: number;
}

/**
 * Live bytes by allocation site from a sampling heap profile: for each sample, the innermost
 * frame with a script URL (V8 builtins name no file), as `function file:line`, largest first.
 */
export function retainedBySite(head: HeapProfileNode): Retained[] {
  const totals = new Map<string, number>();
  const walk = (node: HeapProfileNode, site: string) => {
    const { url, functionName, lineNumber } = node.callFrame;
    const here = url ? `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}` : site;
    if (node.selfSize) totals.set(here, (totals.get(here) ?? 0) + node.selfSize);
    node.children.forEach((child) => walk(child, here));
  };
  walk(head, '(no script frame)');
  return [...totals].map(([where, bytes]) => ({ where, bytes })).sort((a, b) => b.bytes - a.bytes);
}

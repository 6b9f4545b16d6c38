import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.js';
import { selfTimeByFunction, selfTimeByOwner, type CpuProfile } from './selfTime.js';

const repoFile = (path: string) => pathToFileURL(`${REPO_ROOT}${path}`).href;
const INGEST = repoFile('collector/dist/esm/ingest.js');
const REPLY = repoFile('node_modules/fastify/lib/reply.js');

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  columnNumber: 0,
});

/**
 * A Node process's profile in miniature: the collector's handler calls a V8 builtin; fastify
 * writes through Node's internals, which call a builtin of their own; plus GC, idle and the
 * profiler's own session. Sample times (µs) are chosen so every total is distinct.
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4, 7, 8, 9] },
    { id: 2, callFrame: frame('handler', INGEST, 41), children: [3] },
    { id: 3, callFrame: frame('JSONParse') },
    { id: 4, callFrame: frame('send', REPLY, 902), children: [5] },
    { id: 5, callFrame: frame('writeGeneric', 'node:internal/stream_base_commons'), children: [6] },
    { id: 6, callFrame: frame('writeLatin1String') },
    { id: 7, callFrame: frame('(garbage collector)') },
    { id: 8, callFrame: frame('(idle)') },
    { id: 9, callFrame: frame('post', 'node:inspector'), children: [10] },
    { id: 10, callFrame: frame('dispatch') },
  ],
  samples: [2, 3, 3, 4, 5, 6, 6, 6, 7, 8, 9, 10],
  timeDeltas: [1000, 2000, 2000, 500, 300, 1000, 1000, 1000, 700, 9000, 4000, 4000],
};

const asObject = (times: { where: string; ms: number }[]) =>
  Object.fromEntries(times.map(({ where, ms }) => [where, ms]));

describe('selfTimeByOwner', () => {
  it('books a builtin to the package or file whose code called it, past Node internals', () => {
    expect(asObject(selfTimeByOwner(profile))).toEqual({
      // handler 1 ms + JSONParse it called 4 ms
      'collector/dist/esm/ingest.js': 5,
      // send 0.5 ms + writeLatin1String 3 ms, which Node's stream code ran for fastify
      fastify: 3.5,
      'node internals': 0.3,
      'V8 (garbage collector)': 0.7,
    });
  });

  it("leaves out idle time and the profiler's own work, and sorts largest first", () => {
    const times = selfTimeByOwner(profile);
    expect(times.map((t) => t.where)).not.toContain('V8 (idle)');
    expect(times.map((t) => t.ms)).toEqual([5, 3.5, 0.7, 0.3]);
  });
});

describe('selfTimeByFunction', () => {
  it('names each function with its file and line, and a builtin with the script that called it', () => {
    expect(asObject(selfTimeByFunction(profile))).toEqual({
      'V8 JSONParse ← handler collector/dist/esm/ingest.js:42': 4,
      'V8 writeLatin1String ← send fastify/lib/reply.js:903': 3,
      'handler collector/dist/esm/ingest.js:42': 1,
      'send fastify/lib/reply.js:903': 0.5,
      'writeGeneric node:internal/stream_base_commons:1': 0.3,
      'V8 (garbage collector)': 0.7,
    });
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The source of a module of this folder, named as imports name it (`./usePulse.js`). */
const sourceOf = (module: string) => {
  const base = new URL(module.replace(/\.js$/, ''), import.meta.url).pathname;
  const file = [`${base}.ts`, `${base}.tsx`].find((path) => existsSync(path));
  if (!file) throw new Error(`no source for ${module}`);
  return readFileSync(file, 'utf8');
};

/** Modules index.ts re-exports a runtime value from (not only types). */
const modulesExportingValues = () =>
  [...sourceOf('./index.js').matchAll(/^export \{([^}]*)\} from '([^']+)';/gm)]
    .filter(([, names]) => names!.split(',').some((name) => !/^\s*type\s/.test(name)))
    .map(([, , module]) => module!);

describe("'use client'", () => {
  // A React Server Component (a Next.js layout) importing @pulse/react must get these as client
  // references: evaluated on the server they would call React's client APIs, which React's
  // server build lacks (`createContext is not a function`).
  it('starts every module the package exports a component or hook from', () => {
    const modules = modulesExportingValues();
    expect(modules).toContain('./PulseProvider.js');
    expect(modules).not.toContain('./vitalsStore.js');
    const without = modules.filter((module) => !sourceOf(module).startsWith("'use client';\n"));
    expect(without).toEqual([]);
  });
});

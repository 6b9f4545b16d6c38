import commonjsModule from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replaceModule from '@rollup/plugin-replace';
import { rollup, type Plugin } from 'rollup';
import ts from 'typescript';

// Their types are CommonJS declarations of an ES default export: under NodeNext TypeScript sees
// the namespace, while Node's ESM import (their `import` build) yields the function itself.
const commonjs = commonjsModule as unknown as typeof commonjsModule.default;
const replace = replaceModule as unknown as typeof replaceModule.default;

/** TSX → JS with TypeScript itself, type checking left to `npm run typecheck`. */
const transpileTsx: Plugin = {
  name: 'transpile-tsx',
  transform(code, id) {
    if (!id.endsWith('.tsx')) return null;
    const { outputText, sourceMapText } = ts.transpileModule(code, {
      fileName: id,
      compilerOptions: {
        jsx: ts.JsxEmit.ReactJSX,
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2020,
        sourceMap: true,
      },
    });
    return { code: outputText, map: sourceMapText ?? null };
  },
};

/**
 * Bundles a React page entry for the browser from the BUILT workspace packages (@pulse/react and
 * @pulse/sdk resolve to their dist, as for an app installing them), React included.
 */
export async function bundlePage(
  entry: string,
  mode: 'development' | 'production',
): Promise<string> {
  const build = await rollup({
    input: entry,
    plugins: [
      transpileTsx,
      replace({
        preventAssignment: true,
        values: { 'process.env.NODE_ENV': JSON.stringify(mode) },
      }),
      nodeResolve({ browser: true }),
      commonjs(),
    ],
    // @pulse/react's `'use client'` marks client components for server components; a bundle
    // for the browser drops it, as Vite does without a word.
    onwarn: (warning, warn) => warning.code !== 'MODULE_LEVEL_DIRECTIVE' && warn(warning),
  });
  const { output } = await build.generate({ format: 'iife' });
  await build.close();
  return output[0].code;
}

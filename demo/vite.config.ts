import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the demo's React site into dist/app, which the demo server serves. JSX goes through
 * Vite's own esbuild with React's automatic runtime, so no React plugin is needed.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/app', import.meta.url)),
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('./dist/app', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      onwarn(warning, warn) {
        // react-router marks its modules "use client" for server components; meaningless here.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  logLevel: 'warn',
});

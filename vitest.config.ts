import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Unit tests import workspace packages from source, so they run without a build.
// E2E tests use the built artifacts, exactly as a user would.
const sourceAliases = {
  '@pulse/sdk/score': here('./sdk/src/score/index.ts'),
  '@pulse/sdk/socket.io': here('./sdk/src/socket/index.ts'),
  '@pulse/sdk/protocol': here('./sdk/src/protocol.ts'),
  '@pulse/sdk': here('./sdk/src/index.ts'),
  '@pulse/react': here('./react-bindings/src/index.ts'),
  '@pulse/collector/socket.io': here('./collector/src/socket.io/index.ts'),
  '@pulse/collector': here('./collector/src/index.ts'),
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: sourceAliases },
        test: {
          name: 'unit',
          include: ['{sdk,collector,react-bindings,demo,bench}/src/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two cores: one browser-driven file at a time keeps timings honest.
          fileParallelism: false,
        },
      },
    ],
  },
});

import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// Tests run against the TypeScript sources of the workspace packages, not their builds.
const alias = {
  '@roomful/sdk/protocol': here('./sdk/src/protocol/index.ts'),
  '@roomful/sdk': here('./sdk/src/index.ts'),
}

export default defineConfig({
  test: {
    // Integration files start servers and share MariaDB/Redis: keep the machine's two cores
    // from being oversubscribed.
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'sdk',
          include: ['sdk/src/**/*.test.ts', 'sdk/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'backend',
          include: ['backend/src/**/*.test.ts', 'backend/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'widget',
          include: ['widget/test/**/*.test.ts', 'examples/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // The async embed and the framework examples in Chromium.
          name: 'embedding',
          include: ['test/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // Packs, installs and builds real packages: two builds' worth of CPU, so it runs after
          // everything else (on 2 cores it would slow timing-sensitive tests beside it).
          name: 'packages',
          include: ['test/pack-install.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})

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
          // Packs, installs and builds real packages: slow by nature, so on its own timeouts.
          name: 'packages',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
})

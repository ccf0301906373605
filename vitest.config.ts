import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and server tests start real processes; two workers fit the 2-core machines.
    maxWorkers: 2,
    minWorkers: 1,
  },
})

import { defineConfig } from 'vitest/config';

// One run covers every workspace; integration tests share the real servers that .ci/run starts.
export default defineConfig({
  test: {
    include: ['{packages,apps,infra,pipelines}/**/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});

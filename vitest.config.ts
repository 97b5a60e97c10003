import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20000,
    // The JSON report lets CI print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/trustlint/vitest.json' }]],
  },
});

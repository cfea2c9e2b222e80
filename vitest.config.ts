import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // Compiles .svelte.ts state classes (runes) so they are tested without a browser.
  plugins: [svelte()],
  test: {
    include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['fake-indexeddb/auto'],
    // Generous on purpose: a timeout is a timed assertion, and a loaded 2-core CI machine
    // (fixture generation in beforeAll hooks, CLI runs) must never trip one.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    teardownTimeout: 120_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { serviceWorkerManifest } from './scripts/sw-manifest.ts';

// TRIALBENCH_TEST_BUILD=1 makes the build the tests and the benchmark use: it adds the
// benchmark page and the test hook (window.__trialbenchTest). The production build
// (`npm run build`, `npm start`) has neither: `__TEST_BUILD__` is a compile-time false
// there, so the hook's code is dropped, and bench.html is not an input.
const testBuild = process.env.TRIALBENCH_TEST_BUILD === '1';

export default defineConfig({
  plugins: [svelte(), serviceWorkerManifest()],
  define: { __TEST_BUILD__: JSON.stringify(testBuild) },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: testBuild ? { main: 'index.html', bench: 'bench.html' } : { main: 'index.html' },
    },
  },
  optimizeDeps: { include: ['comlink', 'dexie'] },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1', port: 5173 },
});

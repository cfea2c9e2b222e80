import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { serviceWorkerManifest } from './scripts/sw-manifest.ts';

export default defineConfig({
  plugins: [svelte(), serviceWorkerManifest()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  optimizeDeps: { include: ['comlink', 'dexie'] },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});

import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { serviceWorkerManifest } from './scripts/sw-manifest.ts';

/**
 * The viewer's WASM codecs, served from our own origin at cornerstone-wasm/ (the loader is
 * given that base path): the loader's own `new URL('@cornerstonejs/codec-…', import.meta.url)`
 * names a bare package, which no bundler turns into a served file.
 */
function cornerstoneWasm(): Plugin {
  const require = createRequire(import.meta.url);
  const files: Record<string, string> = {
    'charlswasm_decode.wasm': '@cornerstonejs/codec-charls/decodewasm',
    'openjpegwasm_decode.wasm': '@cornerstonejs/codec-openjpeg/decodewasm',
    'openjphjs.wasm': '@cornerstonejs/codec-openjph/wasm',
    'libjpegturbowasm_decode.wasm': '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
    'jpegxlwasm_decode.wasm': '@cornerstonejs/codec-libjxl/decodewasm',
  };
  const path = (name: string) => require.resolve(files[name]!);
  return {
    name: 'trialbench-cornerstone-wasm',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /\/cornerstone-wasm\/([\w.-]+\.wasm)$/.exec(req.url ?? '');
        if (!m || !files[m[1]!]) return next();
        res.setHeader('Content-Type', 'application/wasm');
        res.end(readFileSync(path(m[1]!)));
      });
    },
    generateBundle() {
      for (const name of Object.keys(files))
        this.emitFile({
          type: 'asset',
          fileName: `cornerstone-wasm/${name}`,
          source: readFileSync(path(name)),
        });
    },
  };
}

// TRIALBENCH_TEST_BUILD=1 makes the build the tests and the benchmark use: it adds the
// benchmark page and the test hook (window.__trialbenchTest). The production build
// (`npm run build`, `npm start`) has neither: `__TEST_BUILD__` is a compile-time false
// there, so the hook's code is dropped, and bench.html is not an input.
const testBuild = process.env.TRIALBENCH_TEST_BUILD === '1';

export default defineConfig({
  plugins: [svelte(), serviceWorkerManifest(), cornerstoneWasm()],
  define: { __TEST_BUILD__: JSON.stringify(testBuild) },
  resolve: {
    // vtk.js (via Cornerstone3D) pulls in xmlbuilder2, which needs Node's `events` at load.
    alias: {
      xmlbuilder2: new URL('./src/adapters/viewer/xmlbuilder2-stub.ts', import.meta.url).pathname,
    },
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: testBuild ? { main: 'index.html', bench: 'bench.html' } : { main: 'index.html' },
    },
  },
  optimizeDeps: {
    include: ['comlink', 'dexie', 'dicom-parser'],
    // Its decode worker is found by `new URL(…, import.meta.url)`, which pre-bundling breaks.
    exclude: ['@cornerstonejs/dicom-image-loader'],
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1', port: 5173 },
});

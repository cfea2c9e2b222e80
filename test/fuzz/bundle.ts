// Worker threads run JavaScript, and the code under test is TypeScript with extensionless
// imports. Vite (already a dev dependency) bundles worker.ts and everything it reaches
// into one ES module, so a fresh `npm ci` needs no extra loader or compiler.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

export interface WorkerBundle {
  file: string;
  /** Deletes the bundle once no worker runs from it any more. */
  remove(): void;
}

/**
 * Bundles test/fuzz/worker.ts under node_modules/.cache (inside the project, so Node
 * resolves any bare import from there), one folder per process so parallel runs never
 * overwrite each other's bundle.
 */
export async function bundleWorker(root: string): Promise<WorkerBundle> {
  const outDir = join(root, 'node_modules', '.cache', 'trialbench-fuzz', String(process.pid));
  mkdirSync(outDir, { recursive: true });
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    // The app's public/ folder is no part of the worker.
    publicDir: false,
    build: {
      ssr: resolve(root, 'test/fuzz/worker.ts'),
      outDir,
      emptyOutDir: true,
      minify: false,
      sourcemap: 'inline',
      target: 'node20',
      rollupOptions: { output: { format: 'es', entryFileNames: 'worker.mjs' } },
    },
    // Bundle everything but Node's own modules, so the worker needs nothing from disk.
    ssr: { noExternal: true, target: 'node' },
  });
  return {
    file: join(outDir, 'worker.mjs'),
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}

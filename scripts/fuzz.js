// `npm run fuzz -- --seed N --count N`: the long seeded mutation campaign over indexing
// (default 100,000 files), or `--seed S --case I` to replay one case. The campaign code is
// TypeScript under test/fuzz; Vite's module runner loads it here, so no build step or extra
// loader is needed. Exits non-zero on any hang, crash, unhandled error or broken outcome.
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const { module } = await runnerImport(
  fileURLToPath(new URL('../test/fuzz/cli.ts', import.meta.url)),
  {
    root,
    configFile: false,
    logLevel: 'warn',
  },
);
process.exitCode = await module.main(root, process.argv.slice(2));

// Builds the command line into dist-cli/main.js: one plain ESM file Node runs directly, with
// no dependency at run time (core has none; Node's own modules stay external). Run by
// `npm run build:cli`, by `prepare` (npm install in a checkout) and `prepack` (so the
// package carries it), and by bin/trialbench.js when a checkout's sources are newer.
// The bundle is built into a temporary folder and renamed into place: a build killed
// half-way leaves the previous bundle (or none), never a broken one.
import { chmodSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** `final`: where the bundle goes (a test may build its own copy, apart from dist-cli). */
export async function buildCli(root, final = join(root, 'dist-cli')) {
  const { build } = await import('vite');
  // Beside its final place, so the rename stays on one file system.
  const tmp = mkdtempSync(join(dirname(final), '.dist-cli-tmp-'));
  try {
    await build({
      root,
      configFile: false,
      publicDir: false,
      logLevel: 'warn',
      build: {
        ssr: join(root, 'src/cli/main.ts'),
        outDir: tmp,
        emptyOutDir: true,
        target: 'node20',
        minify: false,
        rollupOptions: { output: { entryFileNames: 'main.js', codeSplitting: false } },
      },
    });
    const old = `${final}.old-${process.pid}`;
    if (existsSync(final)) renameSync(final, old);
    chmodSync(tmp, 0o755);
    renameSync(tmp, final);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Leftovers of builds that were killed: temporary and replaced folders. */
export function removeStaleBuilds(root) {
  for (const name of ['.dist-cli-tmp-', 'dist-cli.old-']) {
    for (const e of existsSync(root) ? readdirSync(root) : []) {
      if (e.startsWith(name)) rmSync(join(root, e), { recursive: true, force: true });
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  let vite = true;
  try {
    await import('vite');
  } catch {
    vite = false;
  }
  if (!vite) {
    // An install without dev dependencies: the package's prebuilt dist-cli is used.
    if (!existsSync(join(root, 'dist-cli', 'main.js')))
      process.stderr.write('build-cli: vite is not installed and there is no prebuilt dist-cli\n');
  } else {
    removeStaleBuilds(root);
    await buildCli(root);
  }
}

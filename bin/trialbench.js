#!/usr/bin/env node
// `npx trialbench <command>`: the same core as the app, from the command line. It runs the
// prebuilt dist-cli/main.js (plain ESM, no dependency at run time; built at install,
// `prepare`, and into the package, `prepack`). In a checkout with the dev dependencies, a
// bundle older than its sources is rebuilt first (atomically: see scripts/build-cli.js).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist-cli', 'main.js');

function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.ts$/.test(name.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const checkout = existsSync(join(root, 'src', 'cli', 'main.ts'));
const hasVite = existsSync(join(root, 'node_modules', 'vite', 'package.json'));
const stale =
  !existsSync(bundle) ||
  (checkout &&
    statSync(bundle).mtimeMs <
      Math.max(...['src/cli', 'src/core', 'src/adapters'].map((d) => newestSource(join(root, d)))));
if (stale && checkout && hasVite) {
  try {
    const { buildCli, removeStaleBuilds } = await import(
      pathToFileURL(join(root, 'scripts', 'build-cli.js')).href
    );
    removeStaleBuilds(root);
    await buildCli(root);
  } catch (e) {
    process.stderr.write(
      `trialbench: building the command line failed (${String(e?.message ?? e).split('\n')[0]}); run npm run build:cli to see why\n`,
    );
    process.exit(7);
  }
}
if (!existsSync(bundle)) {
  process.stderr.write(
    'trialbench: the command line is not built: run npm run build:cli in a checkout with its dev dependencies, or install the packaged trialbench\n',
  );
  process.exit(7);
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));

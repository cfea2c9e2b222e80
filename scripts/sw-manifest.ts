// After a build, write the list of every emitted file into the service worker so it can
// precache the whole app (workers included) and run offline. Kept in-house: the job is
// twenty lines, and vite-plugin-pwa would add ~300 packages for it.
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

export function serviceWorkerManifest(): Plugin {
  let outDir = 'dist';
  return {
    name: 'trialbench-sw-manifest',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const swPath = join(outDir, 'sw.js');
      const files = walk(outDir)
        .map((p) => relative(outDir, p).split('\\').join('/'))
        .filter((p) => p !== 'sw.js' && !p.endsWith('.map'));
      const hash = createHash('sha256');
      for (const f of files.sort()) hash.update(f).update(readFileSync(join(outDir, f)));
      const version = hash.digest('hex').slice(0, 16);
      const src = readFileSync(swPath, 'utf8')
        .replace("'__PRECACHE__'", JSON.stringify(['./', ...files]))
        .replace('__VERSION__', version);
      writeFileSync(swPath, src);
    },
  };
}

// `npm run fuzz`: the long campaign, and the replay of one case.
//   --seed N     seed (default: from the clock, printed)
//   --count N    cases (default 100,000)      --from N   first case index (default 0)
//   --jobs N     worker threads (default: available cores)
//   --hang-ms N  watchdog limit per case (default 20,000)
//   --case I     replay case I only: start file, mutations, outcome
//   --out FILE   with --case, also write the mutated bytes to FILE
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { bundleWorker } from './bundle';
import { buildCase } from './case';
import { describeFailures, formatSummary, reproducer, runCampaign } from './campaign';

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function numberOption(args: readonly string[], name: string, fallback: number): number {
  const text = option(args, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} wants a whole number`);
  return n;
}

/** Runs the campaign or the replay; answers the process exit code. */
export async function main(root: string, args: readonly string[]): Promise<number> {
  const seed = numberOption(args, 'seed', Date.now() % 1_000_000_007);
  const one = option(args, 'case');
  const from = one === undefined ? numberOption(args, 'from', 0) : numberOption(args, 'case', 0);
  const count = one === undefined ? numberOption(args, 'count', 100_000) : 1;
  const jobs = Math.max(1, Math.min(count, numberOption(args, 'jobs', availableParallelism())));
  const hangMs = numberOption(args, 'hang-ms', 20_000);
  console.log('fuzz seed', seed, `cases ${from}..${from + count - 1}, ${jobs} workers`);

  if (one !== undefined) {
    const c = buildCase(seed, from);
    console.log(`start file: ${c.start} -> ${c.bytes.length} bytes`);
    for (const step of c.steps) console.log(`  ${step}`);
    const out = option(args, 'out');
    if (out) {
      writeFileSync(out, c.bytes);
      console.log(`wrote ${out}`);
    }
  }

  const bundle = await bundleWorker(root);
  let last = performance.now();
  const summary = await runCampaign({
    workerFile: bundle.file,
    seed,
    from,
    count,
    jobs,
    hangMs,
    onProgress: (done) => {
      const now = performance.now();
      if (now - last < 5000 && done !== count) return;
      last = now;
      console.log(`  ${done} / ${count} files`);
    },
  });
  bundle.remove();
  console.log(formatSummary(summary));
  if (summary.failures.length === 0) return 0;
  console.error(describeFailures(summary));
  console.error(`\nFAILED: ${summary.failures.length} case(s). Replay the first with:`);
  const first = summary.failures[0];
  if (first) console.error(`  ${reproducer(first.seed, first.index)}`);
  return 1;
}

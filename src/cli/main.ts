// Dispatches `trialbench <command> ...` to its module; each returns the exit code. What
// nobody expected (a bug) still ends in one line, with the stack only when asked for.
import { EXIT, EXIT_CODES_TEXT } from './exit';
import './deid-thread';

const usage = `usage: trialbench <command> [options]

commands:
  verify <export.jsonl>   check an exported audit trail: chain, signatures, checkpoints
  deid <in> <out> [...]   de-identify a folder of DICOM files (trialbench deid --help)

${EXIT_CODES_TEXT}`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<{ run: Command }>> = {
  verify: () => import('./verify'),
  deid: () => import('./deid'),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return EXIT.clean;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`trialbench: unknown command '${name}'; see trialbench --help\n`);
    return EXIT.usage;
  }
  try {
    return await (await load()).run(args);
  } catch (e) {
    if (process.env.TRIALBENCH_DEBUG) throw e;
    const message = String((e as Error)?.message ?? e).split('\n')[0];
    process.stderr.write(
      `trialbench ${name}: internal error: ${message}; please report it (TRIALBENCH_DEBUG=1 shows where)\n`,
    );
    return 70;
  }
}

// Dispatches `trialbench <command> ...` to its module; each returns the exit code.
const usage = `usage: trialbench <command> [options]

commands:
  verify <export.jsonl>   check an exported audit trail: chain, signatures, checkpoints
  deid <in> <out> [...]   de-identify a folder of DICOM files (trialbench deid --help)
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<{ run: Command }>> = {
  verify: () => import('./verify'),
  deid: () => import('./deid'),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(usage);
    return name === undefined || name === '--help' || name === '-h' ? 0 : 2;
  }
  return (await load()).run(args);
}

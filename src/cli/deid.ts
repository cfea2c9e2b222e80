// `trialbench deid`: not built yet.
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('trialbench deid: not implemented yet\n');
  return 2;
}

// `trialbench verify`: not built yet.
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('trialbench verify: not implemented yet\n');
  return 2;
}

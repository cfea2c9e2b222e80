// `trialbench verify <export.jsonl>`: checks an exported audit trail (chain, signatures,
// checkpoints) with the same code as the app. Exit 0 when intact, 1 when not, 2 on misuse.
import { readFile } from 'node:fs/promises';
import { webCryptoVerifier } from '../adapters/crypto/verifier';
import { verifyLog } from '../core/ledger/export';

export async function run(args: string[]): Promise<number> {
  const [file, ...rest] = args;
  if (!file || rest.length || file === '--help' || file === '-h') {
    process.stderr.write('usage: trialbench verify <export.jsonl>\n');
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    process.stderr.write(`trialbench verify: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const report = await verifyLog(text, webCryptoVerifier(globalThis.crypto.subtle));
  const out = [`${file}: ${report.entries} entries, ${report.checkpoints} checkpoints`];
  if (report.ok)
    out.push('intact: the chain is complete and every signature and checkpoint is valid');
  else {
    out.push(`NOT intact: ${report.problems.length} kind(s) of problem`);
    for (const p of report.problems)
      out.push(`  line ${p.line}: ${p.kind}${p.id ? ` (${p.id})` : ''}: ${p.message}`);
  }
  process.stdout.write(out.join('\n') + '\n');
  return report.ok ? 0 : 1;
}

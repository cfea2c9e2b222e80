// `trialbench verify <export.jsonl> [--study <id>] [--admin <fingerprint>]`: replays an
// exported audit trail through the app's own fold (src/core/ledger/verify.ts) and prints
// the verdict. Exit 0 intact, 1 not intact, 2 unreadable or misused; --help exits 0.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { webCryptoVerifier } from '../adapters/crypto/verifier';
import { describeReport, verifyLog, type VerifyAnchors } from '../core/ledger/verify';

export const VERIFY_HELP = `usage: trialbench verify <export.jsonl> [--study <id>] [--admin <fingerprint>]

Replays an exported audit trail through the same fold the app uses: every entry's hash,
signature, chain and causal order, its author's authority as of its deps, the policy
table and predicates; the file's order and completeness, the exporter's signed
checkpoints, the keys line (derived from the trail), the exporter's membership and the
witnessed checkpoints. Each problem is named at its line with its rule (src/core/ledger/SPEC.md).

options:
  --study <id>           the study id (the genesis hash, shown in the app's study panel)
  --admin <fingerprint>  the founding admin's key fingerprint (six groups of five digits)
  -h, --help             this text

Without --study and --admin the check is of internal consistency only; the summary names
the study id and founding admin it found, to compare with what you know.

exit status: 0 intact, 1 not intact, 2 unreadable file or usage error
`;

function fail(message: string, code: number): number {
  process.stderr.write(`trialbench verify: ${message}\n`);
  return code;
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        study: { type: 'string' },
        admin: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return fail(`${(e as Error).message.split('\n')[0] ?? ''}; see trialbench verify --help`, 2);
  }
  if (parsed.values.help) {
    process.stdout.write(VERIFY_HELP);
    return 0;
  }
  const [file, ...rest] = parsed.positionals;
  if (!file || rest.length)
    return fail('give exactly one export file; see trialbench verify --help', 2);
  const anchors: VerifyAnchors = {};
  if (parsed.values.study !== undefined) {
    if (!/^[0-9a-f]{64}$/i.test(parsed.values.study.trim()))
      return fail('--study takes the 64-hex-digit study id from the study panel', 2);
    anchors.study = parsed.values.study;
  }
  if (parsed.values.admin !== undefined) {
    if (parsed.values.admin.replace(/[^0-9]/g, '').length !== 30)
      return fail('--admin takes a fingerprint of six groups of five digits', 2);
    anchors.admin = parsed.values.admin;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(file));
  } catch (e) {
    const why = e instanceof TypeError ? 'it is not UTF-8 text' : (e as Error).message;
    return fail(`cannot read ${file}: ${why.split('\n')[0] ?? ''}`, 2);
  }
  const report = await verifyLog(text, webCryptoVerifier(globalThis.crypto.subtle), anchors);
  if (!report.readable) return fail(`${file}: ${describeReport(report)[0] ?? ''}`, 2);
  process.stdout.write(
    [`${file}: ${describeReport(report)[0] ?? ''}`, ...describeReport(report).slice(1)].join('\n') +
      '\n',
  );
  return report.ok ? 0 : 1;
}

// `--compare-gdcm`: times GDCM's gdcmanon over the same input, for a speed ratio. Basic
// profile (E.1.1, needs a certificate, made here with openssl) when possible, else --dumb.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

export interface GdcmTiming {
  mode: 'basic' | 'dumb';
  seconds: number;
  exitCode: number;
}

export function timeGdcmanon(input: string): GdcmTiming | string {
  if (!has('gdcmanon')) return 'gdcmanon is not installed (apt-get install -y libgdcm-tools)';
  const work = mkdtempSync(join(tmpdir(), 'trialbench-gdcm-'));
  try {
    let args: string[];
    let mode: GdcmTiming['mode'] = 'dumb';
    if (has('openssl')) {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          '/CN=trialbench',
          '-keyout',
          join(work, 'key.pem'),
          '-out',
          join(work, 'cert.pem'),
          '-days',
          '1',
        ],
        { stdio: 'ignore' },
      );
      args = ['-e', '-c', join(work, 'cert.pem')];
      mode = 'basic';
    } else {
      args = ['--dumb', '--remove', '0010,0010', '--remove', '0010,0020', '--remove', '0010,0030'];
    }
    const started = performance.now();
    const r = spawnSync(
      'gdcmanon',
      [...args, '--continue', '-r', '-i', input, '-o', join(work, 'out')],
      {
        stdio: 'ignore',
      },
    );
    return { mode, seconds: (performance.now() - started) / 1000, exitCode: r.status ?? -1 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

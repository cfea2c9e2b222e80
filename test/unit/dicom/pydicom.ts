// Expectations from an independent reader (pydicom under the system Python), computed in
// the test setup. Absent pydicom, callers skip loudly.
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

const SCRIPT = String.raw`
import json, sys, warnings
warnings.simplefilter('ignore')
import pydicom
from pydicom.valuerep import PersonName
TEXT = {'SH', 'LO', 'ST', 'LT', 'UT', 'UC', 'PN'}
def text(v):
    if isinstance(v, (list, tuple)) or type(v).__name__ == 'MultiValue':
        return '\\'.join(text(x) for x in v)
    return str(v) if v is not None else ''
def walk(ds, prefix, out):
    for el in ds:
        key = prefix + '%08X' % el.tag
        if el.VR == 'SQ':
            for i, item in enumerate(el.value):
                walk(item, key + '[%d].' % i, out)
        elif el.VR in TEXT:
            out[key] = text(el.value).rstrip(' ')
result = {}
for path in sys.argv[1:]:
    try:
        ds = pydicom.dcmread(path, force=True)
        out = {}
        walk(ds, '', out)
        result[path] = out
    except Exception as e:
        result[path] = {'__error__': repr(e)}
print(json.dumps(result))
`;

export function pydicomAvailable(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import pydicom; print(pydicom.__version__)'], {
    encoding: 'utf8',
  });
  return r.status === 0
    ? null
    : `${PYTHON} with pydicom is not available (${r.error?.message ?? r.stderr.trim().split('\n').pop() ?? 'unknown'})`;
}

/** For each file: every text attribute (SH LO ST LT UT UC PN) at every depth, by path. */
export function pydicomTexts(files: string[]): Record<string, Record<string, string>> {
  const r = spawnSync(PYTHON, ['-c', SCRIPT, ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`pydicom failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, Record<string, string>>;
}

// The Node requirement is true (issue 11 §3, EBADENGINE): every dependency the app ships
// runs on the oldest Node our `engines` field names, except dcmjs, whose package asks for
// Node 22.13 for its Node build only; so no code that runs in Node (the CLI) may import it.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};

/** Used only in the browser bundle (src/adapters): its Node engine does not apply. */
const BROWSER_ONLY = new Map([['dcmjs', 'the RECIST SR encoder in src/adapters/sr']]);

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.split('.').map(Number);
  return [a, b, c];
};
const atLeast = (v: Version, min: Version) => {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i]! > min[i]!;
  return true;
};

/** The lowest version of each alternative of our range ("^20.19.0 || >=22.12.0"). */
function ourMinimums(range: string): Version[] {
  return range.split('||').map((alt) => {
    const m = /^\s*(?:\^|>=)\s*(\d+(?:\.\d+){0,2})\s*$/.exec(alt);
    if (!m) throw new Error(`engines.node alternative not understood: ${alt}`);
    return parse(m[1]!);
  });
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js)$/.test(n) ? [p] : [];
  });
}

describe('engines', () => {
  it('every shipped dependency runs on the oldest Node we name, or is browser-only', () => {
    const mins = ourMinimums(pkg.engines.node);
    const oldest = mins.reduce((a, b) => (atLeast(a, b) ? b : a));
    const wrong: string[] = [];
    for (const dep of Object.keys(pkg.dependencies)) {
      const theirs = (
        JSON.parse(readFileSync(join(root, 'node_modules', dep, 'package.json'), 'utf8')) as {
          engines?: { node?: string };
        }
      ).engines?.node;
      if (!theirs) continue;
      const m = /^\s*>=\s*(\d+(?:\.\d+){0,2})\s*$/.exec(theirs);
      // A range this test cannot read must be looked at by a person, not passed.
      if (!m) wrong.push(`${dep}: engines.node "${theirs}" not understood`);
      else if (!atLeast(oldest, parse(m[1]!)) && !BROWSER_ONLY.has(dep))
        wrong.push(`${dep} asks for Node ${theirs}; engines names ${pkg.engines.node}`);
    }
    expect(wrong).toEqual([]);
  });

  it('no code that runs in Node imports a browser-only dependency', () => {
    const nodeCode = [...files(join(root, 'src/cli')), ...files(join(root, 'bin'))];
    const hits = nodeCode.filter((f) => {
      const text = readFileSync(f, 'utf8');
      return [...BROWSER_ONLY.keys()].some((d) =>
        new RegExp(`from '${d}'|require\\('${d}'\\)`).test(text),
      );
    });
    expect(hits).toEqual([]);
    // And the README says why the warning is harmless.
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/dcmjs asks for 22\.13/);
  });
});

// The Node requirement is true (issue 11 §3, EBADENGINE): every package `npm ci` installs
// (dependencies, dev dependencies and what they pull in, as package-lock.json pins them, our
// vendored copies in vendor/ included) accepts every Node our `engines` field lets in, checked
// at the edges of its ranges. No exceptions: the two packages whose published `engines` named
// their own build tooling's Node (dcmjs, codec-libjxl) are vendored, see vendor/README.md.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<
    string,
    { name?: string; version?: string; link?: boolean; engines?: { node?: string } | string[] }
  >;
};

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.split('.').map((x) => (x === '*' || x === 'x' ? 0 : Number(x)));
  return [a, b, c];
};
const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Whether `v` satisfies one comparator: ^1.2.3, >=1.2, >1, <=1, <1, 1.2.x, 20, *. */
function comparator(v: Version, c: string): boolean {
  if (c === '*' || c === '') return true;
  const m = /^(\^|~|>=|<=|>|<|=)?v?(\d+(?:\.(?:\d+|\*|x)){0,2})$/.exec(c);
  if (!m) throw new Error(`engines comparator not understood: ${c}`);
  const op = m[1] ?? '';
  const w = parse(m[2]!);
  const parts = m[2]!.split('.').filter((p) => p !== '*' && p !== 'x').length;
  if (op === '>=') return cmp(v, w) >= 0;
  if (op === '>') return cmp(v, w) > 0;
  if (op === '<=') return cmp(v, w) <= 0;
  if (op === '<') return cmp(v, w) < 0;
  if (op === '^') return cmp(v, w) >= 0 && v[0] === w[0];
  if (op === '~') return cmp(v, w) >= 0 && v[0] === w[0] && (parts < 2 || v[1] === w[1]);
  // A bare (or =) version matches the parts it names: "20" is any 20.x.y.
  return v.slice(0, parts).every((x, i) => x === w[i]);
}

/** Whether `v` satisfies an npm range ("^20.19.0 || >=22.12.0", ">= 18", "16 || >=18"). */
function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((alt) =>
    alt
      .trim()
      .replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .every((c) => comparator(v, c)),
  );
}

/**
 * The Nodes our range ("^20.19.0 || ^22.13.0 || >=24.0.0") lets in that a package is most
 * likely to refuse: the lowest of each alternative and, after an open one (>=), the first
 * release of the next two majors (a package asking for "^22.13 || >=24" refuses 23).
 */
function ourEdges(range: string): string[] {
  return range.split('||').flatMap((alt) => {
    const m = /^\s*(\^|>=)\s*(\d+(?:\.\d+){0,2})\s*$/.exec(alt);
    if (!m) throw new Error(`engines.node alternative not understood: ${alt}`);
    const [major] = parse(m[2]!);
    return m[1] === '^' ? [m[2]!] : [m[2]!, `${major + 1}.0.0`, `${major + 2}.0.0`];
  });
}

/** Every package the lock pins that refuses one of `nodes`, as "name@version asks for range". */
function refusals(nodes: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, p] of Object.entries(lock.packages)) {
    if (!path) continue;
    const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
    if (!range || nodes.every((n) => satisfies(n, range))) continue;
    // node_modules/a/node_modules/@b/c is @b/c; a vendored folder (vendor/x) names itself.
    const at = path.lastIndexOf('node_modules/');
    const name = p.name ?? (at < 0 ? path : path.slice(at + 'node_modules/'.length));
    out.set(name, `${name}@${p.version} asks for Node ${range}`);
  }
  return out;
}

describe('engines', () => {
  it('reads npm ranges as npm does', () => {
    expect(satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies('20.18.9', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies('20.19.0', '>= 18')).toBe(true);
    expect(satisfies('20.19.0', '>=22.13')).toBe(false);
    expect(satisfies('22.12.0', '>=22.13')).toBe(false);
    expect(satisfies('20.19.0', '18 || 20 || >=22')).toBe(true);
    expect(satisfies('20.19.0', '>=16 || 14 >=14.17')).toBe(true);
    expect(satisfies('20.19.0', '6.* || 8.* || >= 10.*')).toBe(true);
    expect(satisfies('20.19.0', '^12.22.0 || ^14.17.0')).toBe(false);
    expect(satisfies('20.19.0', '*')).toBe(true);
  });

  it('every package npm ci installs accepts every Node our range lets in', () => {
    expect([...refusals(ourEdges(pkg.engines.node)).values()]).toEqual([]);
  });

  it('finds a refusal where there is one, a vendored folder included', () => {
    const saved = lock.packages['vendor/dcmjs'];
    lock.packages['vendor/dcmjs'] = { version: '0.52.2', engines: { node: '>=22.13' } };
    try {
      expect([...refusals(ourEdges(pkg.engines.node)).values()]).toEqual([
        'vendor/dcmjs@0.52.2 asks for Node >=22.13',
      ]);
    } finally {
      if (saved) lock.packages['vendor/dcmjs'] = saved;
      else delete lock.packages['vendor/dcmjs'];
    }
  });
});

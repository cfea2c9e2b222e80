// The form's checks: baseline limits and measurability, follow-up structure; each problem
// names its rule (src/core/reading/SPEC.md).
import { describe, expect, it } from 'vitest';
import {
  baselineProblems,
  decodeRead,
  encodeRead,
  followUpProblems,
  minMeasurableUm,
} from '../../../src/core/reading';
import { baseline, followUp, m, meas, node, nonTarget, target } from './fixtures';

const rules = (ps: { rule: string }[]) => ps.map((p) => p.rule);

describe('baseline checks', () => {
  it('a valid baseline with two targets, a node and a non-target has no problem', () => {
    expect(
      baselineProblems(
        baseline([
          target('T1', 'liver', 30),
          target('T2', 'lung', 12),
          node('N1', 15),
          nonTarget('NT1', 'bone'),
        ]),
      ),
    ).toEqual([]);
  });

  it('RECIST-2: at most 5 targets, with the rule in the message', () => {
    const b = baseline(
      ['liver', 'lung', 'kidney', 'spleen', 'adrenal', 'bone'].map((o, i) =>
        target(`T${i + 1}`, o, 20),
      ),
    );
    const ps = baselineProblems(b);
    expect(rules(ps)).toEqual(['RECIST-2']);
    expect(ps[0]!.message).toContain('RECIST-2');
    expect(ps[0]!.lesion).toBe('T6');
  });

  it('RECIST-3: at most 2 per organ; all nodes are one organ whatever the station', () => {
    expect(
      rules(
        baselineProblems(
          baseline([
            target('T1', 'liver', 20),
            target('T2', 'Liver ', 20),
            target('T3', 'liver', 20),
          ]),
        ),
      ),
    ).toEqual(['RECIST-3']);
    const nodes = baseline([
      { ...node('N1', 20), organ: 'axillary node' },
      { ...node('N2', 20), organ: 'mediastinal node' },
      { ...node('N3', 20), organ: 'inguinal node' },
    ]);
    const ps = baselineProblems(nodes);
    expect(rules(ps)).toEqual(['RECIST-3']);
    expect(ps[0]!.message).toContain('all lymph nodes are one organ');
    // Two nodes and two liver lesions are fine.
    expect(
      baselineProblems(
        baseline([
          node('N1', 20),
          node('N2', 16),
          target('T1', 'liver', 11),
          target('T2', 'liver', 10),
        ]),
      ),
    ).toEqual([]);
  });

  it('RECIST-4: a non-nodal target needs a long axis of 10 mm', () => {
    expect(rules(baselineProblems(baseline([target('T1', 'liver', 9.9)])))).toEqual(['RECIST-4']);
    expect(baselineProblems(baseline([target('T1', 'liver', 10)]))).toEqual([]);
  });

  it('RECIST-5: a nodal target needs a short axis of 15 mm (its long axis does not count)', () => {
    expect(rules(baselineProblems(baseline([node('N1', 14.9, 40)])))).toEqual(['RECIST-5']);
    expect(baselineProblems(baseline([node('N1', 15)]))).toEqual([]);
  });

  it('RECIST-6: slices over 5 mm raise the minimum to twice the thickness', () => {
    expect(minMeasurableUm(false, 5)).toBe(10_000);
    expect(minMeasurableUm(false, 7.5)).toBe(15_000);
    expect(minMeasurableUm(true, 7.5)).toBe(15_000);
    expect(minMeasurableUm(true, 10)).toBe(20_000);
    expect(minMeasurableUm(false, null)).toBe(10_000);
    const ps = baselineProblems(baseline([target('T1', 'liver', 14, { thickness: 7.5 })]));
    expect(rules(ps)).toEqual(['RECIST-6']);
    expect(ps[0]!.message).toContain('twice the 7.5 mm slice thickness');
    expect(baselineProblems(baseline([target('T1', 'liver', 15, { thickness: 7.5 })]))).toEqual([]);
    expect(baselineProblems(baseline([target('T1', 'liver', 10, { thickness: 5 })]))).toEqual([]);
  });

  it('RECIST-7: a node under 10 mm short axis is not recorded, 10-15 mm is a non-target', () => {
    const small = { ...nonTarget('NT1', 'lymph node', true), measurement: m(12, 9) };
    expect(rules(baselineProblems(baseline([target('T1', 'liver', 20), small])))).toEqual([
      'RECIST-7',
    ]);
    const patho = { ...nonTarget('NT1', 'lymph node', true), measurement: m(16, 12) };
    expect(baselineProblems(baseline([target('T1', 'liver', 20), patho]))).toEqual([]);
  });

  it('RECIST-8: IDs unique and well formed; at least one lesion', () => {
    expect(
      rules(baselineProblems(baseline([target('T1', 'liver', 20), target('T1', 'lung', 20)]))),
    ).toEqual(['RECIST-8']);
    expect(rules(baselineProblems(baseline([target('T 1', 'liver', 20)])))).toEqual(['RECIST-8']);
    expect(rules(baselineProblems(baseline([])))).toEqual(['RECIST-8']);
  });

  it('RECIST-9: a node needs its short axis, short <= long, an image', () => {
    const noShort = { ...node('N1', 20), measurement: m(25) };
    expect(rules(baselineProblems(baseline([noShort])))).toEqual(['RECIST-9']);
    expect(
      rules(baselineProblems(baseline([{ ...target('T1', 'liver', 20), measurement: m(20, 25) }]))),
    ).toEqual(['RECIST-9']);
    expect(
      rules(
        baselineProblems(
          baseline([{ ...target('T1', 'liver', 20), measurement: m(20, undefined, '') }]),
        ),
      ),
    ).toEqual(['RECIST-9']);
  });

  it('RECIST-1: criteria and version are checked; baseline at day 0', () => {
    const b = {
      ...baseline([target('T1', 'liver', 20)]),
      criteriaVersion: '1.0',
    } as unknown as ReturnType<typeof baseline>;
    expect(rules(baselineProblems(b))).toEqual(['RECIST-1']);
    expect(rules(baselineProblems({ ...baseline([target('T1', 'liver', 20)]), day: 3 }))).toEqual([
      'RECIST-1',
    ]);
  });
});

describe('follow-up checks', () => {
  const b = baseline([
    target('T1', 'liver', 30),
    target('T2', 'lung', 20),
    nonTarget('NT1', 'bone'),
  ]);

  it('RECIST-8: the same lesions, in order', () => {
    expect(
      followUpProblems(b, followUp(56, [meas('T1', 20), meas('T2', 10)], [['NT1', 'CR']])),
    ).toEqual([]);
    expect(
      rules(followUpProblems(b, followUp(56, [meas('T2', 10), meas('T1', 20)], [['NT1', 'CR']]))),
    ).toEqual(['RECIST-8']);
    expect(rules(followUpProblems(b, followUp(56, [meas('T1', 20)], [['NT1', 'CR']])))).toEqual([
      'RECIST-8',
    ]);
    expect(rules(followUpProblems(b, followUp(56, [meas('T1', 20), meas('T2', 10)], [])))).toEqual([
      'RECIST-8',
    ]);
    expect(
      rules(
        followUpProblems(b, {
          ...followUp(56, [meas('T1', 20), meas('T2', 10)], [['NT1', 'CR']]),
          subject: 'TB-OTHER',
        }),
      ),
    ).toEqual(['RECIST-8']);
  });

  it('RECIST-11: a merged lesion names a measured host; a split lesion has two parts', () => {
    expect(
      rules(
        followUpProblems(
          b,
          followUp(
            56,
            [meas('T1', 40), { id: 'T2', status: 'merged', into: 'T2' }],
            [['NT1', 'CR']],
          ),
        ),
      ),
    ).toEqual(['RECIST-11']);
    expect(
      rules(
        followUpProblems(
          b,
          followUp(
            56,
            [
              { id: 'T1', status: 'absent' },
              { id: 'T2', status: 'merged', into: 'T1' },
            ],
            [['NT1', 'CR']],
          ),
        ),
      ),
    ).toEqual(['RECIST-11']);
    expect(
      rules(
        followUpProblems(
          b,
          followUp(
            56,
            [{ id: 'T1', status: 'split', parts: [m(10)] }, meas('T2', 10)],
            [['NT1', 'CR']],
          ),
        ),
      ),
    ).toEqual(['RECIST-11']);
  });

  it('RECIST-19: new lesion IDs are unique and not a baseline ID', () => {
    const f = followUp(
      56,
      [meas('T1', 20), meas('T2', 10)],
      [['NT1', 'CR']],
      [{ id: 'T1', location: 'bone', status: 'equivocal' }],
    );
    expect(rules(followUpProblems(b, f))).toEqual(['RECIST-19']);
  });

  it('RECIST-1: a follow-up is after baseline', () => {
    expect(
      rules(followUpProblems(b, followUp(0, [meas('T1', 20), meas('T2', 10)], [['NT1', 'CR']]))),
    ).toEqual(['RECIST-1']);
  });
});

describe('ledger form (RECIST-1, RECIST-24)', () => {
  it('round-trips a baseline and a follow-up through integer JSON, floats nowhere', () => {
    const b = baseline([
      target('T1', 'liver', 32.456),
      node('N1', 17.3, 25.05),
      nonTarget('NT1', 'bone'),
    ]);
    const f = followUp(
      56,
      [
        { id: 'T1', status: 'split', parts: [m(10.1), m(3.25)] },
        { id: 'N1', status: 'too-small' },
      ],
      [['NT1', 'PD']],
      [{ id: 'X1', location: 'liver segment 4', status: 'equivocal' }],
    );
    for (const r of [b, f]) {
      const json = encodeRead(r, 'read');
      const walk = (v: unknown): void => {
        if (typeof v === 'number') expect(Number.isSafeInteger(v)).toBe(true);
        else if (v && typeof v === 'object') Object.values(v).forEach(walk);
      };
      walk(json);
      const back = decodeRead(json);
      expect(back).toEqual({ ok: true, read: r, meaning: 'read' });
    }
  });

  it('RECIST-1: other criteria or versions are refused with a reason code', () => {
    const json = encodeRead(baseline([target('T1', 'liver', 20)]), 'read');
    expect(decodeRead({ ...json, criteriaVersion: '1.0' })).toMatchObject({
      ok: false,
      reason: 'unknown-criteria',
    });
    expect(decodeRead({ ...json, criteria: 'iRECIST' })).toMatchObject({
      ok: false,
      reason: 'unknown-criteria',
    });
    expect(decodeRead({ ...json, lesions: [{ id: 'T1' }] })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(decodeRead({ ...json, blinding: 'peek' })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(decodeRead(null)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

// RECIST 1.1 computations: each rule and each table row (src/core/reading/SPEC.md).
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  assessTimepoints,
  baselineSumUm,
  bestOverallResponse,
  followUpSum,
  isProgression,
  newLesionCall,
  nonTargetResponse,
  overallNonTargetOnly,
  overallWithTargets,
  targetResponse,
  type NonTargetResponse,
  type OverallResponse,
  type TargetResponse,
  type TimepointAssessment,
} from '../../../src/core/reading';
import { baseline, followUp, m, meas, node, nonTarget, target } from './fixtures';

const S = DEFAULT_SETTINGS;

describe('sums (RECIST-9, RECIST-10, RECIST-11)', () => {
  it('RECIST-9: long axis for non-nodal targets, short axis for nodes', () => {
    const b = baseline([
      target('T1', 'liver', 32.4),
      target('T2', 'lung', 21),
      node('N1', 17.3, 25),
    ]);
    expect(baselineSumUm(b)).toBe(32_400 + 21_000 + 17_300);
  });

  it('RECIST-10: too small counts 5 mm by default (nodal or not), absent counts 0', () => {
    const b = baseline([target('T1', 'liver', 30), node('N1', 20)]);
    const f = followUp(56, [
      { id: 'T1', status: 'too-small' },
      { id: 'N1', status: 'absent' },
    ]);
    expect(followUpSum(b, f, S)).toEqual({ sumUm: 5_000, complete: true, notEvaluable: [] });
    const g = followUp(56, [
      { id: 'T1', status: 'absent' },
      { id: 'N1', status: 'too-small' },
    ]);
    expect(followUpSum(b, g, S).sumUm).toBe(5_000);
    expect(followUpSum(b, g, { ...S, tooSmallMm: 3 }).sumUm).toBe(3_000);
  });

  it('RECIST-11: a split lesion counts its fragments; a merged one counts 0', () => {
    const b = baseline([target('T1', 'liver', 30), target('T2', 'liver', 20)]);
    const split = followUp(56, [
      { id: 'T1', status: 'split', parts: [m(12), m(9.5)] },
      meas('T2', 20),
    ]);
    expect(followUpSum(b, split, S).sumUm).toBe(12_000 + 9_500 + 20_000);
    const merged = followUp(56, [meas('T1', 48), { id: 'T2', status: 'merged', into: 'T1' }]);
    expect(followUpSum(b, merged, S).sumUm).toBe(48_000);
  });

  it('RECIST-11: a split node counts the short axes of its parts', () => {
    const b = baseline([node('N1', 20)]);
    const f = followUp(56, [{ id: 'N1', status: 'split', parts: [m(15, 8), m(12, 7)] }]);
    expect(followUpSum(b, f, S).sumUm).toBe(15_000);
  });

  it('RECIST-17: a target not evaluable leaves the sum incomplete', () => {
    const b = baseline([target('T1', 'liver', 30), target('T2', 'lung', 20)]);
    const f = followUp(56, [meas('T1', 25), { id: 'T2', status: 'not-evaluable' }]);
    expect(followUpSum(b, f, S)).toEqual({ sumUm: 25_000, complete: false, notEvaluable: ['T2'] });
  });
});

describe('target response (RECIST-12..17)', () => {
  const sum = (mm: number, complete = true) => ({ sumUm: mm * 1000, complete, notEvaluable: [] });

  it('RECIST-14: PR at exactly -30 % from baseline, SD just above', () => {
    expect(targetResponse(sum(70), 100_000, 100_000, false)).toBe('PR');
    expect(targetResponse({ ...sum(0), sumUm: 70_001 }, 100_000, 100_000, false)).toBe('SD');
  });

  it('RECIST-15: PD needs +20 % over nadir AND +5 mm; either alone is SD', () => {
    // Nadir 50 mm: 60 mm is +20 % and +10 mm -> PD.
    expect(targetResponse(sum(60), 100_000, 50_000, false)).toBe('PD');
    // Nadir 10 mm: 14 mm is +40 % but only +4 mm -> not PD (the 5 mm absolute rule).
    expect(targetResponse(sum(14), 15_000, 10_000, false)).toBe('SD');
    // Nadir 10 mm: 15 mm is +50 % and +5 mm -> PD.
    expect(targetResponse(sum(15), 15_000, 10_000, false)).toBe('PD');
    // Nadir 100 mm: 119 mm is +19 % and +19 mm -> not PD.
    expect(targetResponse(sum(119), 100_000, 100_000, false)).toBe('SD');
    expect(isProgression(120_000, 100_000)).toBe(true);
    expect(isProgression(119_999, 100_000)).toBe(false);
  });

  it('RECIST-15 against the nadir, not the baseline: PR then growth from nadir is PD', () => {
    const b = baseline([target('T1', 'liver', 50), target('T2', 'lung', 50)]);
    const tps = assessTimepoints(
      b,
      [
        followUp(42, [meas('T1', 20), meas('T2', 20)]), // 40 mm: PR (-60 %)
        followUp(84, [meas('T1', 25), meas('T2', 24)]), // 49 mm: +22.5 % and +9 mm over nadir 40
      ],
      S,
    );
    expect(tps.map((t) => t.target)).toEqual(['PR', 'PD']);
    expect(tps[1]!.nadirUm).toBe(40_000);
    expect(tps[1]!.changeFromNadirPermille).toBe(225);
    expect(tps[1]!.changeFromNadirUm).toBe(9_000);
    // Still 2 % below baseline: PD comes from the nadir.
    expect(tps[1]!.changeFromBaselinePermille).toBe(-510);
  });

  it('RECIST-12: the nadir includes the baseline and skips incomplete timepoints', () => {
    const b = baseline([target('T1', 'liver', 30), target('T2', 'lung', 30)]);
    const tps = assessTimepoints(
      b,
      [
        followUp(42, [meas('T1', 10), { id: 'T2', status: 'not-evaluable' }]), // 10 mm but incomplete
        followUp(84, [meas('T1', 32), meas('T2', 32)]), // 64 mm vs nadir 60 (baseline)
      ],
      S,
    );
    expect(tps[0]!.nadirUm).toBe(60_000);
    expect(tps[1]!.nadirUm).toBe(60_000);
    expect(tps[1]!.target).toBe('SD');
  });

  it('RECIST-13: CR with nodes under 10 mm although the sum is not 0', () => {
    const b = baseline([target('T1', 'liver', 30), node('N1', 20)]);
    const f = followUp(56, [{ id: 'T1', status: 'absent' }, meas('N1', 12, 9.9)]);
    const [t] = assessTimepoints(b, [f], S);
    expect(t!.sumUm).toBe(9_900);
    expect(t!.target).toBe('CR');
  });

  it('RECIST-13: a node at 10 mm or a non-nodal lesion too small is not CR', () => {
    const b = baseline([target('T1', 'liver', 30), node('N1', 20)]);
    const f = followUp(56, [{ id: 'T1', status: 'absent' }, meas('N1', 14, 10)]);
    expect(assessTimepoints(b, [f], S)[0]!.target).toBe('PR');
    const g = followUp(56, [
      { id: 'T1', status: 'too-small' },
      { id: 'N1', status: 'absent' },
    ]);
    expect(assessTimepoints(b, [g], S)[0]!.target).toBe('PR');
  });

  it('RECIST-16: SD otherwise', () => {
    const b = baseline([target('T1', 'liver', 40)]);
    expect(assessTimepoints(b, [followUp(56, [meas('T1', 35)])], S)[0]!.target).toBe('SD');
  });

  it('RECIST-17: NE on partial data, but PD when the measured lesions already progress', () => {
    const b = baseline([target('T1', 'liver', 30), target('T2', 'lung', 30)]);
    const partialSmall = followUp(56, [meas('T1', 10), { id: 'T2', status: 'not-evaluable' }]);
    expect(assessTimepoints(b, [partialSmall], S)[0]!.target).toBe('NE');
    // T1 alone is 75 mm: >= 1.2 x 60 and +15 mm over the nadir of 60 -> already PD.
    const partialPD = followUp(56, [meas('T1', 75), { id: 'T2', status: 'not-evaluable' }]);
    expect(assessTimepoints(b, [partialPD], S)[0]!.target).toBe('PD');
    expect(
      targetResponse(
        { sumUm: 50_000, complete: false, notEvaluable: ['T2'] },
        60_000,
        60_000,
        true,
      ),
    ).toBe('NE');
  });
});

describe('non-target response (RECIST-18) and new lesions (RECIST-19)', () => {
  it('RECIST-18: PD, then NE, then all CR, else non-CR/non-PD; none without non-targets', () => {
    expect(nonTargetResponse([])).toBe('none');
    expect(
      nonTargetResponse([
        { id: 'a', status: 'CR' },
        { id: 'b', status: 'CR' },
      ]),
    ).toBe('CR');
    expect(
      nonTargetResponse([
        { id: 'a', status: 'CR' },
        { id: 'b', status: 'non-CR/non-PD' },
      ]),
    ).toBe('non-CR/non-PD');
    expect(
      nonTargetResponse([
        { id: 'a', status: 'NE' },
        { id: 'b', status: 'CR' },
      ]),
    ).toBe('NE');
    expect(
      nonTargetResponse([
        { id: 'a', status: 'NE' },
        { id: 'b', status: 'PD' },
      ]),
    ).toBe('PD');
  });

  it('RECIST-19: unequivocal beats equivocal beats none', () => {
    expect(newLesionCall([])).toBe('none');
    expect(newLesionCall([{ id: 'X1', location: 'bone', status: 'equivocal' }])).toBe('equivocal');
    expect(
      newLesionCall([
        { id: 'X1', location: 'bone', status: 'equivocal' },
        { id: 'X2', location: 'liver', status: 'unequivocal' },
      ]),
    ).toBe('unequivocal');
  });

  it('RECIST-19: an equivocal lesion is not PD now; confirmed later, PD is dated to its first appearance', () => {
    const b = baseline([target('T1', 'liver', 40)]);
    const tps = assessTimepoints(
      b,
      [
        followUp(42, [meas('T1', 26)]), // PR
        followUp(84, [meas('T1', 26)], [], [{ id: 'X1', location: 'bone', status: 'equivocal' }]),
        followUp(
          126,
          [meas('T1', 26)],
          [],
          [{ id: 'X1', location: 'bone', status: 'unequivocal' }],
        ),
      ],
      S,
    );
    expect(tps.map((t) => t.overall)).toEqual(['PR', 'PD', 'PD']);
    expect(tps.map((t) => t.retroDatedPD)).toEqual([false, true, false]);
    expect(tps[1]!.newLesions).toBe('equivocal');
    // Without the confirmation the equivocal timepoint stays PR.
    const open = assessTimepoints(
      b,
      [followUp(84, [meas('T1', 26)], [], [{ id: 'X1', location: 'bone', status: 'equivocal' }])],
      S,
    );
    expect(open[0]!.overall).toBe('PR');
    // A different lesion confirmed later does not date back.
    const other = assessTimepoints(
      b,
      [
        followUp(84, [meas('T1', 26)], [], [{ id: 'X1', location: 'bone', status: 'equivocal' }]),
        followUp(
          126,
          [meas('T1', 26)],
          [],
          [{ id: 'X2', location: 'lung', status: 'unequivocal' }],
        ),
      ],
      S,
    );
    expect(other.map((t) => t.overall)).toEqual(['PR', 'PD']);
  });
});

const TARGETS: TargetResponse[] = ['CR', 'PR', 'SD', 'PD', 'NE'];
const NON_TARGETS: NonTargetResponse[] = ['CR', 'non-CR/non-PD', 'PD', 'NE', 'none'];

describe('RECIST-20: table 1 (targets, with or without non-targets)', () => {
  const rows: [
    TargetResponse,
    NonTargetResponse,
    'none' | 'equivocal' | 'unequivocal',
    OverallResponse,
  ][] = [
    ['CR', 'CR', 'none', 'CR'],
    ['CR', 'none', 'none', 'CR'],
    ['CR', 'non-CR/non-PD', 'none', 'PR'],
    ['CR', 'NE', 'none', 'PR'],
    ['PR', 'non-CR/non-PD', 'none', 'PR'],
    ['PR', 'CR', 'none', 'PR'],
    ['PR', 'NE', 'none', 'PR'],
    ['PR', 'none', 'none', 'PR'],
    ['SD', 'non-CR/non-PD', 'none', 'SD'],
    ['SD', 'CR', 'none', 'SD'],
    ['SD', 'NE', 'none', 'SD'],
    ['NE', 'non-CR/non-PD', 'none', 'NE'],
    ['NE', 'CR', 'none', 'NE'],
    ['PD', 'CR', 'none', 'PD'],
    ['PD', 'NE', 'unequivocal', 'PD'],
    ['CR', 'PD', 'none', 'PD'],
    ['SD', 'PD', 'unequivocal', 'PD'],
    ['CR', 'CR', 'unequivocal', 'PD'],
    ['NE', 'NE', 'unequivocal', 'PD'],
    // Every non-target call of the "non-PD or NE" rows, and PD on either side.
    ['PR', 'PD', 'none', 'PD'],
    ['SD', 'none', 'none', 'SD'],
    ['SD', 'PD', 'none', 'PD'],
    ['NE', 'NE', 'none', 'NE'],
    ['NE', 'none', 'none', 'NE'],
    ['NE', 'PD', 'none', 'PD'],
    ['PD', 'non-CR/non-PD', 'none', 'PD'],
    ['PD', 'NE', 'none', 'PD'],
    ['PD', 'none', 'none', 'PD'],
    ['PD', 'PD', 'none', 'PD'],
    ['PR', 'non-CR/non-PD', 'unequivocal', 'PD'],
    // Equivocal new lesions are not PD at this timepoint (RECIST-19).
    ['CR', 'CR', 'equivocal', 'CR'],
    ['SD', 'non-CR/non-PD', 'equivocal', 'SD'],
    ['PR', 'NE', 'equivocal', 'PR'],
    ['NE', 'CR', 'equivocal', 'NE'],
    ['PD', 'CR', 'equivocal', 'PD'],
  ];
  it.each(rows)('target %s, non-target %s, new %s -> %s', (t, nt, nl, want) => {
    expect(overallWithTargets(t, nt, nl)).toBe(want);
  });

  it('RECIST-19 over the whole table: unequivocal is always PD, equivocal reads as none', () => {
    for (const t of TARGETS)
      for (const nt of NON_TARGETS) {
        expect(overallWithTargets(t, nt, 'unequivocal')).toBe('PD');
        expect(overallWithTargets(t, nt, 'equivocal')).toBe(overallWithTargets(t, nt, 'none'));
      }
  });

  it('RECIST-20 end to end: two targets and a node, from measurements to PR', () => {
    const b = baseline([
      target('T1', 'liver', 42),
      target('T2', 'lung', 25),
      node('N1', 18, 24),
      nonTarget('NT1', 'bone'),
    ]);
    // Follow-up: 20 + 12 + node short 9 = 41 mm vs 85 mm baseline (-51.8 %); non-target present.
    const f = followUp(
      56,
      [meas('T1', 20), meas('T2', 12), meas('N1', 13, 9)],
      [['NT1', 'non-CR/non-PD']],
    );
    const [t] = assessTimepoints(b, [f], S);
    expect(t!.baselineSumUm).toBe(85_000);
    expect(t!.sumUm).toBe(41_000);
    expect(t!.changeFromBaselinePermille).toBe(-518);
    expect([t!.target, t!.nonTarget, t!.newLesions, t!.overall]).toEqual([
      'PR',
      'non-CR/non-PD',
      'none',
      'PR',
    ]);
  });
});

describe('RECIST-21: table 2 (non-target lesions only)', () => {
  const rows: [NonTargetResponse, 'none' | 'equivocal' | 'unequivocal', OverallResponse][] = [
    ['CR', 'none', 'CR'],
    ['non-CR/non-PD', 'none', 'non-CR/non-PD'],
    ['NE', 'none', 'NE'],
    ['PD', 'none', 'PD'],
    ['PD', 'unequivocal', 'PD'],
    ['CR', 'unequivocal', 'PD'],
    ['non-CR/non-PD', 'unequivocal', 'PD'],
    ['NE', 'unequivocal', 'PD'],
    ['non-CR/non-PD', 'equivocal', 'non-CR/non-PD'],
    ['CR', 'equivocal', 'CR'],
    ['NE', 'equivocal', 'NE'],
    ['PD', 'equivocal', 'PD'],
  ];
  it.each(rows)('non-target %s, new %s -> %s', (nt, nl, want) => {
    expect(overallNonTargetOnly(nt, nl)).toBe(want);
  });

  it('RECIST-19 over the whole table: unequivocal is always PD, equivocal reads as none', () => {
    for (const nt of NON_TARGETS) {
      expect(overallNonTargetOnly(nt, 'unequivocal')).toBe('PD');
      expect(overallNonTargetOnly(nt, 'equivocal')).toBe(overallNonTargetOnly(nt, 'none'));
    }
  });

  it('RECIST-21 end to end: a subject without targets uses table 2', () => {
    const b = baseline([nonTarget('NT1', 'bone'), nonTarget('NT2', 'lymph node', true)]);
    const tps = assessTimepoints(
      b,
      [
        followUp(
          56,
          [],
          [
            ['NT1', 'CR'],
            ['NT2', 'CR'],
          ],
        ),
      ],
      S,
    );
    expect([tps[0]!.target, tps[0]!.overall]).toEqual(['none', 'CR']);
  });
});

function seq(...rs: [OverallResponse, number][]): TimepointAssessment[] {
  return rs.map(([overall, day], i) => ({
    timepoint: `TP${i + 1}`,
    day,
    sumUm: 0,
    complete: true,
    notEvaluable: [],
    baselineSumUm: 0,
    nadirUm: 0,
    changeFromBaselinePermille: null,
    changeFromNadirPermille: null,
    changeFromNadirUm: 0,
    target: 'none',
    nonTarget: 'none',
    newLesions: 'none',
    overall,
    retroDatedPD: false,
  }));
}

describe('RECIST-22: best overall response without confirmation', () => {
  it('the best response before progression', () => {
    expect(bestOverallResponse(seq(['SD', 42], ['PR', 84], ['PD', 126]), S).response).toBe('PR');
    expect(bestOverallResponse(seq(['PR', 42], ['CR', 84]), S)).toEqual({
      response: 'CR',
      timepoint: 'TP2',
      confirmed: null,
    });
    // Nothing after progression counts.
    expect(bestOverallResponse(seq(['SD', 42], ['PD', 84], ['CR', 126]), S).response).toBe('SD');
  });

  it('SD counts only from the minimum duration; otherwise PD if progression followed, else NE', () => {
    expect(bestOverallResponse(seq(['SD', 41], ['PD', 84]), S).response).toBe('PD');
    expect(bestOverallResponse(seq(['SD', 41]), S).response).toBe('NE');
    expect(bestOverallResponse(seq(['SD', 42]), S).response).toBe('SD');
    expect(bestOverallResponse(seq(['SD', 41]), { ...S, minSdDays: 28 }).response).toBe('SD');
    expect(bestOverallResponse(seq(['non-CR/non-PD', 56]), S).response).toBe('non-CR/non-PD');
  });

  it('NE only, PD only, nothing', () => {
    expect(bestOverallResponse(seq(['NE', 42], ['NE', 84]), S).response).toBe('NE');
    expect(bestOverallResponse(seq(['PD', 42]), S).response).toBe('PD');
    expect(bestOverallResponse([], S).response).toBe('NE');
  });

  it('RECIST-19 + RECIST-22: a retro-dated PD ends the response at the first appearance', () => {
    const b = baseline([target('T1', 'liver', 40)]);
    const tps = assessTimepoints(
      b,
      [
        followUp(42, [meas('T1', 30)]), // SD (-25 %)
        followUp(84, [meas('T1', 20)], [], [{ id: 'X1', location: 'bone', status: 'equivocal' }]), // PR, then dated PD
        followUp(
          126,
          [meas('T1', 20)],
          [],
          [{ id: 'X1', location: 'bone', status: 'unequivocal' }],
        ),
      ],
      S,
    );
    expect(bestOverallResponse(tps, S)).toEqual({
      response: 'SD',
      timepoint: 'D42',
      confirmed: null,
    });
  });
});

describe('RECIST-23: best overall response with confirmation (table 3)', () => {
  const C = { ...S, confirmation: true };
  // first at day 56 (>= 42: SD duration met) or day 35 (not met); subsequent 28+ days later.
  const rows: [OverallResponse, OverallResponse, OverallResponse, OverallResponse][] = [
    // first, subsequent, BOR when SD duration met, BOR when not met
    ['CR', 'CR', 'CR', 'CR'],
    ['CR', 'PR', 'SD', 'PD'],
    ['CR', 'SD', 'SD', 'PD'],
    ['CR', 'PD', 'SD', 'PD'],
    ['CR', 'NE', 'SD', 'NE'],
    ['PR', 'CR', 'PR', 'PR'],
    ['PR', 'PR', 'PR', 'PR'],
    ['PR', 'SD', 'SD', 'SD'],
    ['PR', 'PD', 'SD', 'PD'],
    ['PR', 'NE', 'SD', 'NE'],
    ['NE', 'NE', 'NE', 'NE'],
  ];
  it.each(rows)(
    'first %s, subsequent %s -> %s (SD duration met) / %s (not met)',
    (a, b, met, notMet) => {
      expect(bestOverallResponse(seq([a, 56], [b, 84]), C).response).toBe(met);
      expect(bestOverallResponse(seq([a, 35], [b, 63]), { ...C, minSdDays: 70 }).response).toBe(
        notMet,
      );
    },
  );

  it('confirmation needs the interval: a second PR 3 weeks later does not confirm, 4 weeks does', () => {
    expect(bestOverallResponse(seq(['PR', 14], ['PR', 35]), C)).toEqual({
      response: 'NE',
      timepoint: null,
      confirmed: null,
    });
    expect(bestOverallResponse(seq(['PR', 14], ['PR', 35], ['PR', 42]), C)).toEqual({
      response: 'PR',
      timepoint: 'TP1',
      confirmed: true,
    });
    // With a 5-week interval nothing confirms: the last PR counts as SD (duration met).
    expect(
      bestOverallResponse(seq(['PR', 14], ['PR', 35], ['PR', 42]), { ...C, confirmDays: 35 }),
    ).toEqual({
      response: 'SD',
      timepoint: 'TP3',
      confirmed: false,
    });
  });

  it('an NE between a response and its confirmation is skipped (PR-NE-PR is confirmed)', () => {
    expect(bestOverallResponse(seq(['PR', 56], ['NE', 84], ['PR', 112]), C).response).toBe('PR');
  });

  it('without confirmation the same sequence gives the unconfirmed best', () => {
    expect(bestOverallResponse(seq(['CR', 35], ['PD', 63]), S).response).toBe('CR');
    expect(bestOverallResponse(seq(['CR', 35], ['PD', 63]), C).response).toBe('PD');
  });
});

// DEID-51, DEID-52, DEID-56: review answers per source series, the global answers they
// override, and how each series' decision reaches DEIDENTIFICATION.md/.json.
import { describe, expect, test } from 'vitest';
import {
  addDecisions,
  countOutcome,
  deidentificationJson,
  deidentificationMd,
  emptyCounts,
  type RunRecord,
} from '../../../../src/core/deid/run/docs';
import { DeidRun, type FileOutcome, type RunOptions } from '../../../../src/core/deid/run/run';
import type { ReviewDecision } from '../../../../src/core/deid/run/review';
import { parseReviewFile } from '../../../../src/core/deid/run/review-file';
import { hash, layout, makeNative, nativeFile, opts, SERIES, usHeader, written } from './fixture';

const at = '2026-11-29T08:00:00Z';
const by = 'Dr Q. Reviewer';
const MR_SERIES = '1.2.826.0.1.3680043.9.7777.2';
const us = nativeFile(
  usHeader([{ tag: 0x00080070, vr: 'LO', value: 'ACME' }]),
  makeNative(layout(1)),
);
const mr = nativeFile(
  usHeader(
    [
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
      { tag: 0x00080018, vr: 'UI', value: '1.2.826.0.1.3680043.9.7777.2.1' },
      { tag: 0x00080060, vr: 'CS', value: 'MR' },
      { tag: 0x0008103e, vr: 'LO', value: 'Brain Roe axial' },
      { tag: 0x00180015, vr: 'CS', value: 'BRAIN' },
      { tag: 0x0020000e, vr: 'UI', value: MR_SERIES },
    ],
    layout(1),
  ),
  makeNative(layout(1)),
);
const review = (series: string, d: ReviewDecision) => new Map([[series, d]]);
const run = (bytes: Uint8Array, more: Partial<RunOptions>): FileOutcome =>
  new DeidRun(opts(more)).file(bytes, hash(bytes));

describe('DEID-51 burned-in answers per source series', () => {
  test('pass writes as is, with who, when and why recorded', () => {
    const r = run(us, {
      review: review(SERIES, {
        burnedIn: { action: 'pass', justification: 'checked frames', by, at },
      }),
    });
    const { o } = written(r);
    expect(o.masked).toBe(false);
    expect(o.decisions).toEqual([
      {
        kind: 'burned-in',
        reasons: [expect.stringMatching(/modality that often carries burned-in text/)],
        decision: 'passed',
        action: 'pass',
        justification: 'checked frames',
        by,
        at,
      },
    ]);
  });

  test('exclude holds the file as excluded with the justification, over a global pass', () => {
    const r = run(us, {
      passBurnedIn: 'all checked',
      review: review(SERIES, {
        burnedIn: { action: 'exclude', justification: 'report page, not an image', by, at },
      }),
    });
    expect(r.kind === 'held' && r.category).toBe('excluded');
    expect(r.kind === 'held' && r.reasons[0]).toContain('report page, not an image');
  });

  test('answers are keyed by the SOURCE series UID; other series fall back or are held', () => {
    const other = review('9.9.9', {
      burnedIn: { action: 'pass', justification: 'another series', by, at },
    });
    const r = run(us, { review: other });
    expect(r.kind === 'held' && r.category).toBe('burned-in');
    expect(
      written(run(us, { review: other, passBurnedIn: 'site policy' })).o.decisions[0],
    ).toMatchObject({
      decision: 'passed',
      justification: 'site policy',
    });
  });

  test('an answer without justification or signer is not used', () => {
    const r = run(us, {
      passBurnedIn: 'site policy',
      review: review(SERIES, { burnedIn: { action: 'pass', justification: ' ', by, at } }),
    });
    expect(r.kind === 'held' && r.category).toBe('burned-in');
    const s = run(us, {
      review: review(SERIES, { burnedIn: { action: 'pass', justification: 'ok', by: '', at } }),
    });
    expect(s.kind === 'held' && s.category).toBe('burned-in');
  });
});

describe('DEID-52 facial answers', () => {
  test('waive and defaced (with its tool) write; exclude holds; defaced without tool holds', () => {
    const w = written(
      run(mr, {
        review: review(MR_SERIES, { facial: { action: 'waive', justification: 'IRB ok', by, at } }),
      }),
    );
    expect(w.o.decisions).toEqual([
      expect.objectContaining({ decision: 'waived', action: 'waive', by }),
    ]);
    const d = written(
      run(mr, {
        review: review(MR_SERIES, {
          facial: { action: 'defaced', justification: 'core lab', by, at, tool: 'mri_deface 1.22' },
        }),
      }),
    );
    expect(d.o.decisions[0]).toMatchObject({ decision: 'defaced', tool: 'mri_deface 1.22' });
    const x = run(mr, {
      waiveFacialRisk: 'global waiver',
      review: review(MR_SERIES, {
        facial: { action: 'exclude', justification: 'no consent', by, at },
      }),
    });
    expect(x.kind === 'held' && x.category).toBe('excluded');
    const n = run(mr, {
      review: review(MR_SERIES, {
        facial: { action: 'defaced', justification: 'trust me', by, at },
      }),
    });
    expect(n.kind === 'held' && n.category).toBe('facial');
    expect(n.kind === 'held' && n.reasons[0]).toMatch(/names no tool/);
  });

  test('global: attestDefaced records the tool and takes precedence over a waiver', () => {
    const { o } = written(
      run(mr, { attestDefaced: 'pydeface 2.0.2', waiveFacialRisk: 'x', runBy: 'site admin' }),
    );
    expect(o.decisions[0]).toMatchObject({
      decision: 'defaced',
      action: 'defaced',
      tool: 'pydeface 2.0.2',
      by: 'site admin',
    });
  });
});

describe('DEID-56 decisions in the output documentation', () => {
  test('per series: remapped UID, kind, action, by, when, tool, justification, files; counts', () => {
    const record: RunRecord = {
      tool: 'test',
      profile: opts().profile,
      options: {},
      keyFingerprint: 'ab:cd',
      runBy: 'tester',
      startedAt: at,
      finishedAt: at,
      decisions: [],
      counts: emptyCounts(),
      held: [],
      skipped: [],
    };
    const decisions = new Map<string, ReviewDecision>([
      [SERIES, { burnedIn: { action: 'exclude', justification: 'report page', by, at } }],
      [
        MR_SERIES,
        {
          facial: { action: 'defaced', justification: 'core lab', by, at, tool: 'mri_deface 1.22' },
        },
      ],
    ]);
    const deid = new DeidRun(opts({ review: decisions }));
    for (const bytes of [us, mr]) {
      const o = deid.file(bytes, hash(bytes));
      countOutcome(record, o);
      if (o.kind === 'written') {
        record.counts.written++;
        addDecisions(record.decisions, o.series, o.decisions);
      }
    }
    expect(record.counts.excluded).toBe(1);
    expect(record.counts.held.excluded).toBe(1);
    expect(record.counts.masked).toBe(0);
    const md = deidentificationMd(record);
    const json = deidentificationJson(record);
    const series = record.decisions.map((d) => d.series);
    expect(series).toHaveLength(2);
    for (const s of series) {
      expect(s).toMatch(/^2\.25\.\d+$/);
      expect(md).toContain(s);
    }
    expect(md).toMatch(
      /burned-in risk excluded; answer exclude; by Dr Q\. Reviewer; at 2026-11-29T08:00:00Z; justification: report page/,
    );
    expect(md).toMatch(
      /facial risk defaced; answer defaced; by .*; tool: mri_deface 1\.22; justification: core lab/,
    );
    expect(md).toMatch(/Excluded on review: 1/);
    expect(md).toMatch(/Masked \(stored pixel values blanked, 113101 written\): 0/);
    const j = JSON.parse(json) as { decisions: Array<Record<string, unknown>> };
    expect(j.decisions).toContainEqual(
      expect.objectContaining({
        kind: 'facial',
        action: 'defaced',
        tool: 'mri_deface 1.22',
        by,
        at,
        files: 1,
      }),
    );
    for (const doc of [md, json]) {
      for (const source of [SERIES, MR_SERIES, 'Roe', 'Richard', 'P-9981', 'Brain Roe']) {
        expect(doc, source).not.toContain(source);
      }
    }
  });
});

describe('DEID-57 the review decisions file', () => {
  const ok = { justification: 'why', by: 'who', at: '2026-11-29T08:00:00Z' };
  const parse = (x: unknown) => parseReviewFile(JSON.stringify(x));

  test('a valid file gives decisions keyed by source series, regions only with mask', () => {
    const r = parse([
      {
        series: SERIES,
        burnedIn: { action: 'mask', ...ok, regions: [{ x0: 0, y0: 0, x1: 9, y1: 4 }] },
      },
      { series: MR_SERIES, facial: { action: 'defaced', ...ok, tool: 'pydeface 2.0.2' } },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.decisions.get(SERIES)?.burnedIn?.regions).toEqual([{ x0: 0, y0: 0, x1: 9, y1: 4 }]);
    expect(r.decisions.get(MR_SERIES)?.facial?.tool).toBe('pydeface 2.0.2');
  });

  test.each([
    ['{', '', /not JSON/],
    [{}, '', /a list/],
    [[{ series: 'abc', facial: { action: 'waive', ...ok } }], '[0].series', /UID/],
    [[{ series: '1.2' }], '[0]', /answers nothing/],
    [
      [{ series: '1.2', facial: { action: 'blur', ...ok } }],
      '[0].facial.action',
      /waive, defaced, exclude/,
    ],
    [
      [{ series: '1.2', burnedIn: { action: 'pass', ...ok, justification: '' } }],
      '[0].burnedIn.justification',
      /non-blank/,
    ],
    [
      [{ series: '1.2', burnedIn: { action: 'pass', ...ok, at: 'yesterday' } }],
      '[0].burnedIn.at',
      /ISO 8601/,
    ],
    [
      [{ series: '1.2', burnedIn: { action: 'pass', ...ok, regions: [] } }],
      '[0].burnedIn.regions',
      /only with action 'mask'/,
    ],
    [
      [
        {
          series: '1.2',
          burnedIn: { action: 'mask', ...ok, regions: [{ x0: 5, y0: 0, x1: 5, y1: 1 }] },
        },
      ],
      '[0].burnedIn.regions[0]',
      /empty region/,
    ],
    [
      [{ series: '1.2', facial: { action: 'waive', ...ok, tool: 'x' } }],
      '[0].facial.tool',
      /only with action 'defaced'/,
    ],
    [
      [{ series: '1.2', facial: { action: 'waive', ...ok, note: 'x' } }],
      '[0].facial.note',
      /unknown field/,
    ],
    [
      [
        { series: '1.2', facial: { action: 'waive', ...ok } },
        { series: '1.2', facial: { action: 'waive', ...ok } },
      ],
      '[1].series',
      /answered twice/,
    ],
  ])('refused: %j at %s', (input, path, message) => {
    const r = typeof input === 'string' ? parseReviewFile(input) : parse(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.path).toBe(path);
    expect(r.message).toMatch(message);
  });
});

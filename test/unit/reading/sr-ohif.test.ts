// RECIST-27, "that OHIF can load": OHIF hydrates TID 1500 measurements through
// Cornerstone3D's SR adapter (MeasurementReport.generateToolState; the copy dcmjs ships is
// the one @cornerstonejs/adapters grew from). Our report, read by that adapter, must give
// the same lesions, values and caliper points, and a lesion without caliper points (a
// non-target, a value typed by hand, a target too small to measure) must not stop it.
import dcmjs from 'dcmjs';
import { describe, expect, it, vi } from 'vitest';
import { decodeSr, encodeSr } from '../../../src/adapters/sr/dcmjs-sr';
import {
  DEFAULT_SETTINGS,
  assessTimepoints,
  measurementReport,
  type ImageRef,
  type Read,
  type Signature,
} from '../../../src/core/reading';
import { baseline, followUp, m, meas, nonTarget, target } from './fixtures';

const sig: Signature = {
  name: 'Rita Reader',
  author: 'ed25519:abc',
  at: '2026-01-05T09:00:01.000Z',
  meaning: 'read',
};
const image = (): ImageRef => ({
  sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  studyInstanceUid: '2.25.77',
  seriesInstanceUid: '2.25.88',
});
const pts = (...xy: number[]) =>
  xy.reduce<{ x: number; y: number }[]>(
    (a, v, i) => (i % 2 ? ((a[a.length - 1]!.y = v), a) : [...a, { x: v, y: 0 }]),
    [],
  );

const b0 = baseline([
  {
    ...target('T1', 'liver', 42.5),
    measurement: { ...m(42.5, undefined, '2.25.1001'), points: pts(10.5, 20.25, 40, 41) },
  },
  { ...target('T2', 'lung', 30), measurement: { ...m(30, undefined, '2.25.1002'), points: [] } },
  {
    ...target('N1', 'lymph node', 24, { nodal: true, shortMm: 18 }),
    measurement: { ...m(24, 18, '2.25.1003'), points: pts(1, 2, 3, 4, 5, 6, 7, 8) },
  },
  {
    ...target('N2', 'lymph node', 22, { nodal: true, shortMm: 16 }),
    measurement: { ...m(22, 16, '2.25.1004'), points: pts(9, 9, 19, 9) },
  },
  nonTarget('NT1', 'bone'),
]);

type ToolState = {
  sopInstanceUid: string;
  description: string;
  annotation: {
    metadata: { toolName: string; label: string };
    data: {
      handles: { points: number[][] };
      cachedStats: Record<string, { length: number; width?: number }>;
    };
  };
};

/** What OHIF's SR hydration sees: tool states per Cornerstone tool, via the adapter. */
function hydrate(
  read: Read,
  assessment: Parameters<typeof measurementReport>[0]['assessment'] = null,
) {
  const ds = decodeSr(
    encodeSr(
      measurementReport({
        readId: 'ab'.repeat(32),
        read,
        signature: sig,
        baseline: b0,
        assessment,
        image,
      }),
    ),
  );
  const sops = ['2.25.1001', '2.25.1002', '2.25.1003', '2.25.1004', '2.25.2001'];
  const imageIds = Object.fromEntries(sops.map((s) => [s, `wadouri:${s}`]));
  const metadata = { get: () => ({ frameOfReferenceUID: '2.25.99' }) };
  // The adapter logs every measurement it hydrates; keep the test output quiet.
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    return dcmjs.adapters.Cornerstone3D.MeasurementReport.generateToolState(
      ds,
      imageIds,
      (_id: string, [x, y]: [number, number]) => [x, y, 0],
      metadata,
    ) as Record<string, ToolState[]>;
  } finally {
    log.mockRestore();
  }
}

const summary = (states: ToolState[]) =>
  states.map((s) => ({
    sop: s.sopInstanceUid,
    description: s.description,
    points: s.annotation.data.handles.points.flatMap((p) => [p[0], p[1]]),
    stats: Object.values(s.annotation.data.cachedStats)[0],
  }));

describe('RECIST-27: the SR loads in OHIF (Cornerstone3D SR adapter)', () => {
  it('a baseline hydrates as Length and Bidirectional tools with the same values and points', () => {
    const tools = hydrate(b0);
    expect(summary(tools.Length!)).toEqual([
      {
        sop: '2.25.1001',
        description: 'Lesion T1',
        points: [10.5, 20.25, 40, 41],
        stats: { length: 42.5 },
      },
      // A node whose short axis was typed, not drawn: its long-axis caliper still shows.
      { sop: '2.25.1004', description: 'Lesion N2', points: [9, 9, 19, 9], stats: { length: 22 } },
    ]);
    expect(summary(tools.Bidirectional!)).toEqual([
      {
        sop: '2.25.1003',
        description: 'Lesion N1',
        points: [1, 2, 3, 4, 5, 6, 7, 8],
        stats: { length: 24, width: 18 },
      },
    ]);
  });

  it('a follow-up with a lesion too small, one absent and one measured hydrates the measured one', () => {
    const f = followUp(
      56,
      [
        meas('T1', 20),
        { id: 'T2', status: 'too-small' },
        {
          id: 'N1',
          status: 'measured',
          measurement: { ...m(13, 9, '2.25.2001'), points: pts(1, 1, 14, 1, 7, 0, 7, 9) },
        },
        { id: 'N2', status: 'absent' },
      ],
      [['NT1', 'non-CR/non-PD']],
    );
    const [a] = assessTimepoints(b0, [f], DEFAULT_SETTINGS);
    const tools = hydrate(f, a!);
    expect(summary(tools.Length!).map((s) => [s.description, s.stats])).toEqual([
      ['Lesion T1', { length: 20 }],
    ]);
    expect(summary(tools.Bidirectional!).map((s) => [s.description, s.sop, s.stats])).toEqual([
      ['Lesion N1', '2.25.2001', { length: 13, width: 9 }],
    ]);
  });
});

// The read form's state without a browser: which series the viewer shows for a follow-up.
// Beside the follow-up series goes the baseline series the lesion was measured on, not
// merely the baseline's first series of the same modality (the demo's PET/CT has a CT too).
import { describe, expect, it } from 'vitest';
import type { SubmittedRead } from '../../../src/core/reading';
import type {
  AssignmentView,
  ReadingApi,
  ReadingSeries,
  ReadingSnapshot,
} from '../../../src/ui/state/reading-api';
import { ReadingState } from '../../../src/ui/state/reading.svelte';
import { baseline, m, target } from './fixtures';

const series = (ref: string, modality: string): ReadingSeries => ({
  seriesRef: ref,
  localUid: `local-${ref}`,
  label: `${modality} ${ref}`,
  modality,
  sliceThicknessMm: 5,
  images: [
    { sopInstanceUid: `sop-${ref}`, ref: `2.25.${ref.length}`, seriesRef: ref, instanceNumber: 1 },
  ],
});

function state(measuredOn: string | undefined) {
  const me = 'ed25519:me' as SubmittedRead['signature']['author'];
  const b0 = baseline([
    { ...target('T1', 'liver', 42), measurement: { ...m(42), seriesInstanceUid: measuredOn } },
    { ...target('T2', 'lung', 30), measurement: m(30) },
  ]);
  if (measuredOn === undefined) delete b0.lesions[0]!.measurement!.seriesInstanceUid;
  const r = new ReadingState({} as ReadingApi);
  r.subjects = [
    {
      subject: 'TB-SUBJ01',
      timepoints: [
        { label: 'TP0', day: 0, series: [series('b-petct', 'CT'), series('b-cap', 'CT')] },
        { label: 'TP1', day: 56, series: [series('f-petct', 'CT'), series('f-cap', 'CT')] },
      ],
    },
  ];
  r.snapshot = {
    me,
    model: {
      reads: [],
      refused: [],
      series: [
        {
          reader: me,
          subject: 'TB-SUBJ01',
          baseline: { id: 'b'.repeat(64), read: b0 } as unknown as SubmittedRead,
          followUps: [],
          timepoints: [],
          best: {} as never,
        },
      ],
    },
  } as unknown as ReadingSnapshot;
  r.open = {
    assignment: 'a1',
    subject: 'TB-SUBJ01',
    timepoint: 'TP1',
    mine: true,
  } as AssignmentView;
  r.targets = ['T1', 'T2'].map((id) => ({
    id,
    nodal: false,
    status: 'measured' as const,
    seriesRef: 'f-cap',
    image: '1',
    points: [],
    frame: 0,
    longMm: '',
    shortMm: '',
    parts: '',
    into: '',
  }));
  return r;
}

describe('ReadingState.viewSeries', () => {
  it('a follow-up shows, beside its series, the baseline series the lesion was measured on', () => {
    const r = state('b-cap');
    expect(r.kind).toBe('follow-up');
    expect(r.viewSeries).toEqual(['local-f-cap', 'local-b-cap']);
  });

  it('without a known baseline series: the baseline series of the same modality', () => {
    const r = state(undefined);
    expect(r.viewSeries).toEqual(['local-f-cap', 'local-b-petct']);
    r.measuring = 'T2';
    expect(r.viewSeries).toEqual(['local-f-cap', 'local-b-petct']);
  });

  it('a refusal from the service is shown in words and changes nothing (its code is the branch)', async () => {
    let refreshed = 0;
    const api = {
      unlock: async () =>
        ({
          ok: false,
          code: 'no-reason',
          message: 'the service says why',
          rule: 'RECIST-25',
        }) as const,
      exportSr: async () =>
        ({ ok: false, code: 'no-such-read', message: 'no read', rule: null }) as const,
      snapshot: async () => {
        refreshed++;
        throw new Error('not reached');
      },
    } as unknown as ReadingApi;
    const r = new ReadingState(api);
    await r.unlock('e1' as SubmittedRead['id'], ' ');
    expect(r.status).toContain('the service says why');
    await r.exportSr('e1' as SubmittedRead['id']);
    expect(r.status).toContain('no read');
    expect(refreshed).toBe(0);
    expect(r.busy).toBe(false);
  });
});

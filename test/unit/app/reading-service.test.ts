// The Reads service over a real ledger and a small index: subjects and images named by
// keyed references (RECIST-26), reads signed as entries and locked (RECIST-25), the
// signer's meaning (RECIST-28), and an SR export naming the keyed UIDs (RECIST-27).
import { describe, expect, it } from 'vitest';
import { ReadingService } from '../../../src/app/reading-service';
import { decodeSr, encodeSr } from '../../../src/adapters/sr/dcmjs-sr';
import type { Entry, Json, Role } from '../../../src/core/ledger/types';
import type { InstanceRow, SeriesRow } from '../../../src/core/ports/store';
import { lesionsFromSr, type BaselineRead, type FollowUpRead } from '../../../src/core/reading';
import { instanceRow } from '../helpers/rows';
import { makeStudy } from '../ledger/fixture';
import { baseline, followUp, meas, node, target } from '../reading/fixtures';

function seriesRow(uid: string, date: string, patientId = 'PATIENT-7'): SeriesRow {
  return {
    seriesInstanceUid: uid,
    studyInstanceUid: `${uid}.0`,
    patientId,
    patientName: 'DOE^JANE',
    studyDate: date,
    studyDescription: '',
    seriesNumber: 1,
    seriesDescription: 'CT CAP',
    modality: 'CT',
    bodyPartExamined: '',
    instances: 3,
    missing: 0,
    bytes: 0,
    folderIds: ['f'],
    searchText: '',
  };
}

const value = <T>(r: { ok: true; value: T } | { ok: false; code: string }): T => {
  if (!r.ok) throw new Error(`refused: ${r.code}`);
  return r.value;
};
const OK = { ok: true, value: undefined };

async function setup(role: Role, deidentified = false, identity = true) {
  const s = await makeStudy();
  const me = role === 'adjudicator' ? s.members.adjudicator : s.members.reader;
  const series = [seriesRow('1.2.826.9.1', '20240305'), seriesRow('1.2.826.9.2', '20240430')];
  const rows = (uid: string): InstanceRow[] =>
    [1, 2, 3].map((n) =>
      instanceRow({
        id: `${uid}.${n}`,
        seriesInstanceUid: uid,
        studyInstanceUid: `${uid}.0`,
        sopInstanceUid: `${uid}.${n}`,
        sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
        instanceNumber: n,
        patientId: 'PATIENT-7',
        sliceThickness: 2.5,
        clinicalTrialSubjectId: deidentified ? 'TRIAL-007' : '',
      }),
    );
  const drafts = new Map<string, string>();
  const svc = new ReadingService({
    record: async (type, body) => {
      const e = await s.ledger.create(me, type, body, s.now());
      await s.ledger.add([{ entry: e, source: 'local' }]);
      return e;
    },
    entries: () => s.ledger.accepted(),
    me: async () => (identity ? { author: me.author, name: 'Rita Reader' } : null),
    study: async () => ({
      id: 'study',
      myRole: role,
      members: [{ author: me.author, name: 'Rita Reader', role, status: 'active' }],
    }),
    subscribe: () => () => undefined,
    store: {
      listSeries: async () => series,
      listInstances: async (uid: string) => rows(uid),
    },
    key: async () => new Uint8Array(32).fill(7),
    drafts: { get: async (k) => drafts.get(k) ?? null, put: async (k, v) => void drafts.set(k, v) },
    encodeSr,
    newId: (() => {
      let n = 0;
      return () => String(++n);
    })(),
  });
  const assign = async (subject: string, timepoint: string) =>
    s.write(s.members.adjudicator, 'read.assign', {
      assignment: `a-${timepoint}`,
      reader: me.author,
      subject,
      timepoint,
    } as { [k: string]: Json });
  return { s, svc, assign };
}

describe('ReadingService', () => {
  it('RECIST-26: identified data is named by keyed subject reference and keyed UIDs; intervals, not dates', async () => {
    const { svc } = await setup('reader');
    const [subj] = await svc.subjects();
    expect(subj!.subject).toMatch(/^TB-[0-9A-Z]{6}$/);
    expect(subj!.timepoints.map((t) => [t.label, t.day])).toEqual([
      ['TP0', 0],
      ['TP1', 56],
    ]);
    const img = subj!.timepoints[0]!.series[0]!.images[0]!;
    expect(img.sopInstanceUid).toBe('1.2.826.9.1.1');
    expect(img.ref).toMatch(/^2\.25\.\d+$/);
    expect(JSON.stringify(subj)).not.toContain('PATIENT-7');
  });

  it('RECIST-26: de-identified data keeps its trial subject ID and UIDs', async () => {
    const { svc } = await setup('reader', true);
    const [subj] = await svc.subjects();
    expect(subj!.subject).toBe('TRIAL-007');
    expect(subj!.timepoints[0]!.series[0]!.images[0]!.ref).toBe('1.2.826.9.1.1');
  });

  it('RECIST-25, -27, -28: submits, locks, exports SR with the keyed UIDs; entries carry no patient ID', async () => {
    const { s, svc, assign } = await setup('reader');
    const [subj] = await svc.subjects();
    const tp0 = subj!.timepoints[0]!.series[0]!;
    const tp1 = subj!.timepoints[1]!.series[0]!;
    await assign(subj!.subject, 'TP0');
    await assign(subj!.subject, 'TP1');
    const at = (ref: string) => (t: ReturnType<typeof target>) => ({
      ...t,
      measurement: { ...t.measurement!, sopInstanceUid: ref },
    });
    const b: BaselineRead = {
      ...baseline([
        at(tp0.images[1]!.ref)(target('T1', 'liver', 40)),
        at(tp0.images[2]!.ref)(node('N1', 20)),
      ]),
      subject: subj!.subject,
    };
    expect(await svc.submit('a-TP0', b, null)).toEqual(OK);
    // The service sends it; the fold refuses the second read of a locked assignment.
    expect(await svc.submit('a-TP0', b, null)).toEqual(OK);
    let snap = await svc.snapshot();
    expect(snap.model.refused.map((r) => r.problem)).toEqual([
      'RECIST-25: this assignment already has a submitted read; it is locked.',
    ]);
    const f: FollowUpRead = {
      ...followUp(56, [meas('T1', 20), meas('N1', 12, 8)]),
      subject: subj!.subject,
      timepoint: 'TP1',
    };
    f.targets.forEach((t) => {
      if (t.status === 'measured') t.measurement.sopInstanceUid = tp1.images[0]!.ref;
    });
    expect(await svc.submit('a-TP1', { ...f, targets: f.targets.slice(1) }, null)).toMatchObject({
      ok: false,
      code: 'breaks-rule',
      rule: 'RECIST-8',
    });
    expect(await svc.submit('a-TP1', f, null)).toEqual(OK);
    snap = await svc.snapshot();
    const fu = snap.assignments.find((a) => a.assignment === 'a-TP1')!.read!;
    expect(fu.state).toBe('locked');
    expect(fu.signature.meaning).toBe('read');
    expect(fu.assessment!.overall).toBe('PR');
    const texts = s.ledger.accepted().map((e: Entry) => JSON.stringify(e));
    expect(texts.join('\n')).not.toMatch(/PATIENT-7|DOE|1\.2\.826\.9/);

    const file = value(await svc.exportSr(fu.id));
    const ds = decodeSr(new Uint8Array(await file.blob.arrayBuffer()));
    expect(ds.StudyInstanceUID).toMatch(/^2\.25\./);
    expect(ds.StudyInstanceUID).not.toBe('1.2.826.9.2.0');
    const back = lesionsFromSr(ds);
    expect(back.lesions.map((l) => [l.id, l.measurements[0]?.sopInstanceUid])).toEqual([
      ['T1', tp1.images[0]!.ref],
      ['N1', tp1.images[0]!.ref],
    ]);
    const json = JSON.parse(await value(await svc.exportJson(fu.id)).blob.text()) as {
      read: { criteriaVersion: string };
    };
    expect(json.read.criteriaVersion).toBe('1.1');
  });

  it('RECIST-28: an adjudicator signs with the meaning "adjudication"; drafts stay local', async () => {
    const { svc, assign } = await setup('adjudicator');
    const [subj] = await svc.subjects();
    await assign(subj!.subject, 'TP0');
    const ref = subj!.timepoints[0]!.series[0]!.images[0]!.ref;
    const b: BaselineRead = {
      ...baseline([
        {
          ...target('T1', 'liver', 40),
          measurement: { ...target('T1', 'liver', 40).measurement!, sopInstanceUid: ref },
        },
      ]),
      subject: subj!.subject,
    };
    await svc.saveDraft('a-TP0', b);
    expect(await svc.loadDraft('a-TP0')).toEqual(b);
    await svc.submit('a-TP0', b, null);
    const snap = await svc.snapshot();
    expect(snap.model.reads[0]!.signature.meaning).toBe('adjudication');
  });

  it('RECIST-4, -8, -25: expected refusals come back as closed codes, and nothing is recorded', async () => {
    const { s, svc, assign } = await setup('reader');
    const [subj] = await svc.subjects();
    await assign(subj!.subject, 'TP0');
    await assign(subj!.subject, 'TP1');
    const before = s.ledger.accepted().length;
    const f: FollowUpRead = {
      ...followUp(56, [meas('T1', 20)]),
      subject: subj!.subject,
      timepoint: 'TP1',
    };
    expect(await svc.submit('a-TP1', f, null)).toMatchObject({
      ok: false,
      code: 'no-baseline',
      rule: 'RECIST-8',
    });
    // A 3 mm target is not measurable (RECIST-4).
    const small: BaselineRead = { ...baseline([target('T1', 'liver', 3)]), subject: subj!.subject };
    expect(await svc.submit('a-TP0', small, null)).toMatchObject({
      ok: false,
      code: 'breaks-rule',
      rule: 'RECIST-4',
    });
    expect(await svc.unlock('some-read', '  ')).toMatchObject({
      ok: false,
      code: 'no-reason',
      rule: 'RECIST-25',
    });
    expect(await svc.exportSr('no-such-entry')).toMatchObject({ ok: false, code: 'no-such-read' });
    expect(await svc.exportJson('no-such-entry')).toMatchObject({
      ok: false,
      code: 'no-such-read',
    });
    expect(s.ledger.accepted().length).toBe(before);

    const { svc: stranger } = await setup('reader', false, false);
    const b: BaselineRead = { ...baseline([target('T1', 'liver', 40)]), subject: subj!.subject };
    expect(await stranger.submit('a-TP0', b, null)).toMatchObject({
      ok: false,
      code: 'no-identity',
    });
  });
});

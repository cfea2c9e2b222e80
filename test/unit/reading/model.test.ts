// Reads as signed ledger entries: submit locks, an admin unlock with a reason opens, the
// corrected read names the old one; computed values are checked; every read shows who,
// when and what the signature means (RECIST-24, -25, -26, -28).
import { describe, expect, it } from 'vitest';
import { LedgerError, entryId, type Entry, type Json } from '../../../src/core/ledger';
import {
  DEFAULT_SETTINGS,
  readModel,
  submitBody,
  type BaselineRead,
  type FollowUpRead,
} from '../../../src/core/reading';
import { makeStudy, type Study } from '../ledger/fixture';
import { baseline, followUp, meas, node, nonTarget, target } from './fixtures';

const S = DEFAULT_SETTINGS;

async function setup() {
  const s = await makeStudy();
  const names = new Map<string, string>([
    [s.admin.author, 'Ada Admin'],
    [s.members.reader.author, 'Rita Reader'],
    [s.members.adjudicator.author, 'Adam Adjudicator'],
  ]);
  const assign = (assignment: string, reader: string, timepoint: string) =>
    s.write(s.members.adjudicator, 'read.assign', {
      assignment,
      reader,
      subject: 'TB-SUBJ01',
      timepoint,
    });
  await assign('a-base', s.members.reader.author, 'TP0');
  await assign('a-fu1', s.members.reader.author, 'D56');
  const model = () => readModel(s.ledger.accepted(), (a) => names.get(a) ?? 'unknown', S);
  return { s, model };
}

const b0 = baseline([
  target('T1', 'liver', 40),
  target('T2', 'lung', 20),
  node('N1', 20, 26),
  nonTarget('NT1', 'bone'),
]);
const f1 = followUp(
  56,
  [meas('T1', 20), meas('T2', 10), meas('N1', 12, 8)],
  [['NT1', 'non-CR/non-PD']],
);

async function submit(s: Study, assignment: string, body: { [key: string]: Json }): Promise<Entry> {
  return s.write(s.members.reader, 'read.submit', { ...body, assignment });
}

describe('read model over the ledger', () => {
  it('RECIST-25, RECIST-28: submitted reads are locked and show who, when, meaning', async () => {
    const { s, model } = await setup();
    const e0 = await submit(s, 'a-base', submitBody('a-base', b0, 'read', null, [], S, null));
    await submit(s, 'a-fu1', submitBody('a-fu1', f1, 'read', b0, [], S, null));
    const m = model();
    expect(m.refused).toEqual([]);
    expect(m.reads.map((r) => r.state)).toEqual(['locked', 'locked']);
    expect(m.reads[0]!.id).toBe(entryId(e0));
    expect(m.reads[0]!.signature).toEqual({
      name: 'Rita Reader',
      author: s.members.reader.author,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/),
      meaning: 'read',
    });
    // 40 + 20 + 20 = 80 mm at baseline; 20 + 10 + 8 = 38 mm (-52.5 %): PR with non-target present.
    const [series] = m.series;
    expect(series!.baseline.baselineSumUm).toBe(80_000);
    expect(series!.timepoints[0]).toMatchObject({
      sumUm: 38_000,
      changeFromBaselinePermille: -525,
      overall: 'PR',
    });
    expect(series!.best.response).toBe('PR');
    expect(m.reads[0]!.read.criteriaVersion).toBe('1.1');
  });

  it('RECIST-25: a second submission is refused; unlock is admin-only with a reason; the correction supersedes', async () => {
    const { s, model } = await setup();
    const e0 = await submit(s, 'a-base', submitBody('a-base', b0, 'read', null, [], S, null));
    const id0 = entryId(e0);
    await submit(s, 'a-base', submitBody('a-base', b0, 'read', null, [], S, null));
    expect(model().refused.map((r) => r.problem)).toEqual([
      'RECIST-25: this assignment already has a submitted read; it is locked.',
    ]);
    // A correction before an unlock is refused too.
    const b1: BaselineRead = {
      ...b0,
      lesions: b0.lesions.map((l) => (l.id === 'T1' ? target('T1', 'liver', 44) : l)),
    };
    await submit(s, 'a-base', submitBody('a-base', b1, 'read', null, [], S, id0));
    expect(model().refused).toHaveLength(2);
    // Only an admin unlocks, and the body needs a reason.
    await expect(
      s.ledger.create(s.members.reader, 'read.unlock', { read: id0, reason: 'typo' }, s.now()),
    ).rejects.toBeInstanceOf(LedgerError);
    await expect(
      s.ledger.create(s.admin, 'read.unlock', { read: id0 }, s.now()),
    ).rejects.toBeInstanceOf(LedgerError);
    await s.write(s.admin, 'read.unlock', { read: id0, reason: 'T1 measured on the wrong slice' });
    let m = model();
    expect(m.reads[0]!.state).toBe('unlocked');
    expect(m.reads[0]!.unlock).toMatchObject({
      name: 'Ada Admin',
      meaning: 'unlock',
      reason: 'T1 measured on the wrong slice',
    });
    const e2 = await submit(s, 'a-base', submitBody('a-base', b1, 'read', null, [], S, id0));
    m = model();
    expect(m.reads.map((r) => r.state)).toEqual(['superseded', 'locked']);
    expect(m.reads[0]!.supersededBy).toBe(entryId(e2));
    expect(m.reads[1]!.previous).toBe(id0);
    expect(m.series[0]!.baseline.id).toBe(entryId(e2));
    expect(m.series[0]!.baseline.baselineSumUm).toBe(84_000);
  });

  it('RECIST-24: a read whose carried values differ from the computation is refused', async () => {
    const { s, model } = await setup();
    await submit(s, 'a-base', submitBody('a-base', b0, 'read', null, [], S, null));
    const body = submitBody('a-fu1', f1, 'read', b0, [], S, null);
    const result = body.result as { [k: string]: Json };
    const forged = {
      ...body,
      result: { ...result, computed: { ...(result.computed as object), overall: 'CR' } },
    };
    await submit(s, 'a-fu1', forged);
    expect(model().refused.map((r) => r.problem)).toEqual([
      'RECIST-24: the values it carries are not those RECIST 1.1 computes from its measurements.',
    ]);
  });

  it('RECIST-26: a read naming another subject than its entry is refused; a follow-up needs the baseline', async () => {
    const { s, model } = await setup();
    const body = submitBody('a-base', b0, 'read', null, [], S, null);
    await s.write(s.members.reader, 'read.submit', {
      ...body,
      subject: 'TB-SUBJ01',
      result: { ...(body.result as object), subject: 'Doe^Jane' },
    });
    await submit(s, 'a-fu1', submitBody('a-fu1', f1, 'read', b0, [], S, null));
    expect(model().refused.map((r) => r.problem.slice(0, 10))).toEqual([
      'RECIST-26:',
      'RECIST-8: ',
    ]);
  });

  it('RECIST-28: an adjudicator signs with the meaning "adjudication"', async () => {
    const { s, model } = await setup();
    await s.write(s.members.adjudicator, 'read.assign', {
      assignment: 'adj-1',
      reader: s.members.adjudicator.author,
      subject: 'TB-SUBJ01',
      timepoint: 'TP0',
    });
    await s.write(
      s.members.adjudicator,
      'read.submit',
      submitBody('adj-1', b0, 'adjudication', null, [], S, null),
    );
    expect(model().reads[0]!.signature).toMatchObject({
      name: 'Adam Adjudicator',
      meaning: 'adjudication',
    });
  });

  it('the series follows later reads: a follow-up submitted out of day order still computes in order', async () => {
    const { s, model } = await setup();
    await s.write(s.members.adjudicator, 'read.assign', {
      assignment: 'a-fu2',
      reader: s.members.reader.author,
      subject: 'TB-SUBJ01',
      timepoint: 'D112',
    });
    await submit(s, 'a-base', submitBody('a-base', b0, 'read', null, [], S, null));
    await submit(s, 'a-fu1', submitBody('a-fu1', f1, 'read', b0, [], S, null));
    const f2: FollowUpRead = followUp(
      112,
      [meas('T1', 30), meas('T2', 14), meas('N1', 12, 9)],
      [['NT1', 'non-CR/non-PD']],
    );
    await submit(s, 'a-fu2', submitBody('a-fu2', f2, 'read', b0, [f1], S, null));
    const m = model();
    expect(m.refused).toEqual([]);
    // Nadir 38 mm; 53 mm is +39 % and +15 mm: PD. BOR: PR (unconfirmed setting).
    expect(m.series[0]!.timepoints.map((t) => t.overall)).toEqual(['PR', 'PD']);
    expect(m.series[0]!.best.response).toBe('PR');
  });
});

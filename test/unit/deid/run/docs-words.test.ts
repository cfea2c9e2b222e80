// The run's documents in words, as a receiver reads them: the whole-folder leak check
// (DEID-80) takes the documents' fixed wording for no leak, whatever a name holds, yet finds a
// planted identifier; a decision on a file without a Series Instance UID says so.
import { describe, expect, it } from 'vitest';
import { basicProfile } from '../../../../src/core/deid/profile';
import {
  deidentificationMd,
  emptyCounts,
  fileLeaks,
  skipSentence,
  type Identifier,
  type RunRecord,
} from '../../../../src/core/deid/run';

function record(): RunRecord {
  return {
    tool: 'trialbench deid (CLI)',
    profile: basicProfile('Basic Profile, modified dates'),
    options: {},
    keyFingerprint: 'ab12',
    runBy: 'test',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:00:01Z',
    decisions: [],
    counts: { ...emptyCounts(), skipped: 1 },
    held: [],
    skipped: [{ sourceSha256: '0cc2018a42a637b8', reason: skipSentence('not-dicom') }],
    duplicates: [],
    folderCheck: { files: 0, removed: [] },
  };
}

const name = (value: string): Identifier => ({ value, kind: 'name', from: 'PatientName' });
const text = (s: string) => new TextEncoder().encode(s);

describe('fileLeaks on the run documents', () => {
  it('does not take the skipped sentence\'s "DICOM" for a name part (dicom3tools phantom)', () => {
    expect(fileLeaks(text(deidentificationMd(record())), [name('Dicom')])).toEqual([]);
  });

  it('still finds a name planted in the documents', () => {
    const md = `${deidentificationMd(record())}\nnote: Zyxwabc\n`;
    expect(fileLeaks(text(md), [name('Zyxwabc'), name('Dicom')])).toEqual([
      expect.objectContaining({ from: 'PatientName' }),
    ]);
  });
});

describe('decisions in DEIDENTIFICATION.md', () => {
  it('names a series the source did not identify in words, not as an empty UID', () => {
    const r = record();
    r.decisions = [
      {
        kind: 'facial',
        decision: 'held',
        reasons: ['BodyPartExamined names the head or neck'],
        series: '',
        files: 1,
      },
    ];
    const md = deidentificationMd(r);
    expect(md).toContain(
      '- Series (none: the source has no Series Instance UID) (1 file(s)): facial risk held',
    );
    expect(md).not.toContain('- Series  (');
  });
});

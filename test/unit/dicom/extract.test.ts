// What indexing extracts: fields, the attribute list with nested paths, Clinical Trial
// attributes, and the pixel data offset.
import { describe, expect, test } from 'vitest';
import { indexFile } from '../../../src/core/index/index-file';
import { EXPLICIT_LE, type El, ct, numbers, part10, source } from './build';
import { inflate } from './inflate';

const pet: El[] = [
  { tag: 0x00120010, vr: 'LO', value: 'ACME Pharma' },
  { tag: 0x00120020, vr: 'LO', value: 'PROT-42' },
  { tag: 0x00120030, vr: 'LO', value: 'SITE-7' },
  { tag: 0x00120040, vr: 'LO', value: 'SUBJ-001' },
  { tag: 0x00120050, vr: 'LO', value: 'BASELINE' },
  { tag: 0x00120062, vr: 'CS', value: 'YES' },
  { tag: 0x00120063, vr: 'LO', value: 'Basic Application Confidentiality Profile' },
  { tag: 0x00280301, vr: 'CS', value: 'NO' },
  {
    tag: 0x00540016,
    vr: 'SQ',
    items: [
      [
        { tag: 0x00181031, vr: 'LO', value: 'Fluorodeoxyglucose' },
        { tag: 0x00181072, vr: 'TM', value: '101500' },
        { tag: 0x00181074, vr: 'DS', value: '370000000' },
        { tag: 0x00181075, vr: 'DS', value: '6586.2' },
        {
          tag: 0x00540300,
          vr: 'SQ',
          items: [[{ tag: 0x00080104, vr: 'LO', value: '^18^Fluorine' }]],
        },
      ],
    ],
  },
  { tag: 0x00200032, vr: 'DS', value: '-250\\-250\\100.5' },
  { tag: 0x00280030, vr: 'DS', value: '0.9765625\\0.9765625' },
  { tag: 0x00180060, vr: 'DS', value: '120' },
  { tag: 0x00280008, vr: 'IS', value: '1A' },
];

describe('extract', () => {
  test('pet_ct_2x2_clinical_trial: fields, attributes with nested paths', async () => {
    const f = part10(ct(2, 2, pet), EXPLICIT_LE, '1.2.840.10008.1.2.1');
    const r = await indexFile(source(f), { inflate });
    if (r.kind !== 'instance') throw new Error(JSON.stringify(r));
    const { fields } = r;
    expect(fields).toMatchObject({
      clinicalTrialSubjectId: 'SUBJ-001',
      clinicalTrialSiteId: 'SITE-7',
      clinicalTrialTimePointId: 'BASELINE',
      burnedInAnnotation: 'NO',
      numberOfFrames: null, // "1A" is not an IS
      manufacturer: 'ACME',
      specificCharacterSet: 'ISO_IR 100',
      studyDate: '20240102',
      pixelDataOffset: f.length - 12 - 8,
    });
    const byKeyword = new Map(fields.attributes.map((a) => [a.keyword, a]));
    expect(byKeyword.get('ClinicalTrialSponsorName')).toEqual({
      tag: '00120010',
      keyword: 'ClinicalTrialSponsorName',
      vr: 'LO',
      value: 'ACME Pharma',
    });
    expect(byKeyword.get('PatientIdentityRemoved')?.value).toBe('YES');
    expect(byKeyword.get('ImagePositionPatient')?.value).toBe('-250\\-250\\100.5');
    expect(byKeyword.get('PixelSpacing')?.value).toBe('0.9765625\\0.9765625');
    expect(byKeyword.get('KVP')?.value).toBe('120');
    expect(
      byKeyword.get('RadiopharmaceuticalInformationSequence[0].RadiopharmaceuticalStartTime'),
    ).toEqual({
      tag: '00540016[0].00181072',
      keyword: 'RadiopharmaceuticalInformationSequence[0].RadiopharmaceuticalStartTime',
      vr: 'TM',
      value: '101500',
    });
    expect(
      byKeyword.get(
        'RadiopharmaceuticalInformationSequence[0].RadionuclideCodeSequence[0].CodeMeaning',
      )?.value,
    ).toBe('^18^Fluorine');
    expect(
      byKeyword.get('RadiopharmaceuticalInformationSequence[0].RadionuclideTotalDose')?.value,
    ).toBe('370000000');
    expect(byKeyword.get('Rows')?.value).toBe('2');
  });

  test('a 390 KB file with a 70 KB header reads past the first prefix and no further than needed', async () => {
    const f = part10(
      ct(400, 400, [
        { tag: 0x00291010, vr: 'OB', value: numbers('OB', new Array(70_000).fill(7)) },
      ]),
      EXPLICIT_LE,
      '1.2.840.10008.1.2.1',
    );
    const src = source(f);
    const r = await indexFile(src, { inflate });
    expect(r.kind).toBe('instance');
    expect(src.reads.map(([, b]) => b)).toEqual([65536, 131072]);
  });
});

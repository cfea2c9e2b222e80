// The viewer's PET headers (dicom-parser, as the viewer reads them) give the same SUV
// factor as the indexer's attributes do for QC, on the demo archive's FDG PET, and a header
// without the injected dose gives the closed reason 'dose'.
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { seriesSuv, suvAttributes } from '../../../src/adapters/viewer/pet';
import { demoArchive } from '../../../src/core/demo/archive';
import { suvPrerequisites } from '../../../src/core/qc/suv';
import { indexedDemo } from '../qc/demo-index';

const params = { sites: 1, subjectsPerSite: 1, visits: 1, brokenFiles: false, deviations: false };

describe("SUV from the viewer's headers", async () => {
  const files = [...demoArchive(params)].filter((f) => f.path.includes('/PT_'));
  const headers = files.map((f) => dicomParser.parseDicom(f.bytes, { untilTag: 'x7fe00010' }));
  const pet = headers.filter((h) => h.string('x00080060') === 'PT' && h.elements.x00540016);
  const indexed = (await indexedDemo(params)).find((s) => s.modality === 'PT')!;

  it('reads the PET series and agrees with the indexer (the QC path) on the factor', () => {
    expect(pet.length).toBeGreaterThan(1);
    const viewer = seriesSuv(pet);
    const qc = suvPrerequisites(
      'PT',
      new Map(Object.entries(indexed.attributes)),
      indexed.instances.map((i) => i.acquisitionTime),
    );
    expect(viewer.computable).toBe(true);
    expect(qc.computable).toBe(true);
    if (viewer.computable && qc.computable) expect(viewer.factor).toBeCloseTo(qc.factor, 12);
    const a = suvAttributes(pet[0]!);
    expect(a.get('Units')).toBe('BQML');
    expect(Number(a.get('RadiopharmaceuticalInformationSequence[0].RadionuclideHalfLife'))).toBe(
      6586.2,
    );
  });

  it('without the injected dose: not computable, reason "dose"', () => {
    const copy = dicomParser.parseDicom(files.find((f) => f.path.includes('/PT_3'))!.bytes, {
      untilTag: 'x7fe00010',
    });
    delete copy.elements.x00540016!.items![0]!.dataSet!.elements.x00181074;
    expect(seriesSuv([copy])).toMatchObject({ computable: false, code: 'dose' });
  });

  it('a CT series is not PET', () => {
    const ct = headers.find((h) => h.string('x00080060') === 'CT')!;
    expect(seriesSuv([ct])).toMatchObject({ computable: false, code: 'not-pet' });
  });
});

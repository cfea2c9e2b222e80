// The demo study's acquisition protocol and the QC outcome its planted deviations must
// produce: QC flags exactly these series with exactly these rules, and passes every other
// (test/unit/qc/demo-qc.test.ts, test/e2e/qc.spec.ts).
import type { Protocol } from '../protocol/types';
import type { DemoPlan } from './plan';

const SRC =
  'Trialbench demo study protocol (synthetic), after RECIST 1.1 (Eisenhauer 2009), BTIP (Ellingson 2015) and EANM FDG v2.0 (Boellaard 2015)';

/** Version 1, in effect from before the first demo visit. Demo images are 64 x 64, hence the coarse in-plane limits. */
export const DEMO_PROTOCOL: Protocol = {
  format: 'trialbench-protocol/1',
  id: 'demo-onc-imaging',
  title: 'Demo oncology trial: CT CAP, brain MR, FDG PET/CT',
  version: 1,
  effectiveDate: '2024-01-01',
  source: { citation: SRC },
  mandatory: [
    {
      id: 'MAN-1',
      attribute: 'PatientID',
      action: 'reject',
      text: 'Every file carries the subject identifier.',
    },
    {
      id: 'MAN-2',
      attribute: 'StudyDate',
      action: 'flag',
      text: 'Every file carries the study date.',
    },
    {
      id: 'MAN-3',
      attribute: 'SeriesDescription',
      action: 'flag',
      text: 'Every series is described.',
    },
  ],
  series: [
    {
      id: 'PETCT-AC',
      modality: 'CT',
      title: 'Low-dose CT for PET attenuation correction',
      select: [
        {
          kind: 'regex',
          attribute: 'SeriesDescription',
          pattern: 'CT.?AC|for AC',
          ignoreCase: true,
        },
      ],
      rules: [
        {
          id: 'PCT-1',
          severity: 'minor',
          text: 'Reconstruct the AC CT at 5 mm or thinner.',
          source: 'EANM FDG v2.0 §5',
          check: { kind: 'range', attribute: 'SliceThickness', max: 5, unit: 'mm' },
        },
        {
          id: 'PCT-2',
          severity: 'major',
          text: 'No missing slices.',
          check: { kind: 'geometry', measure: 'no-gaps' },
        },
      ],
    },
    {
      id: 'CT-CAP',
      modality: 'CT',
      title: 'CT chest-abdomen-pelvis, portal venous phase',
      rules: [
        {
          id: 'CT-1',
          severity: 'major',
          text: 'Give IV contrast (portal venous phase) and record the agent.',
          source: 'RECIST 1.1 Appendix II',
          check: { kind: 'present', attribute: 'ContrastBolusAgent' },
        },
        {
          id: 'CT-2',
          severity: 'major',
          text: 'Reconstruct at 5 mm slice thickness or thinner.',
          source: 'RECIST 1.1 §3.2 / Appendix II',
          check: { kind: 'range', attribute: 'SliceThickness', max: 5, tolerance: 0.1, unit: 'mm' },
        },
        {
          id: 'CT-3',
          severity: 'major',
          text: 'Send every slice: no gaps in the stack.',
          check: { kind: 'geometry', measure: 'no-gaps' },
        },
        {
          id: 'CT-4',
          severity: 'major',
          text: 'One image per table position (no duplicates).',
          check: { kind: 'geometry', measure: 'no-duplicates' },
        },
        {
          id: 'CT-5',
          severity: 'minor',
          text: 'Contiguous, evenly spaced slices.',
          check: { kind: 'geometry', measure: 'uniform-spacing', tolerance: 0.1 },
        },
        {
          id: 'CT-6',
          severity: 'minor',
          text: 'Axial slices, no gantry tilt.',
          check: { kind: 'geometry', measure: 'orientation', max: 1 },
        },
        {
          id: 'CT-7',
          severity: 'major',
          text: 'Cover the whole planned range (demo: at least 100 mm).',
          check: { kind: 'geometry', measure: 'coverage', min: 100 },
        },
        {
          id: 'CT-8',
          severity: 'minor',
          text: 'Soft-tissue reconstruction kernel.',
          check: { kind: 'oneOf', attribute: 'ConvolutionKernel', values: ['soft'] },
        },
        {
          id: 'CT-9',
          severity: 'minor',
          text: 'Tube voltage 80 to 140 kV.',
          check: { kind: 'range', attribute: 'KVP', min: 80, max: 140, unit: 'kV' },
        },
        {
          id: 'CT-10',
          severity: 'minor',
          text: 'In-plane pixel size of the demo grid (≤ 8 mm).',
          check: { kind: 'geometry', measure: 'in-plane', max: 8 },
        },
      ],
      manual: [
        {
          id: 'CTM-1',
          text: 'Portal venous phase (liver parenchyma enhanced, portal vein bright).',
        },
        { id: 'CTM-2', text: 'No motion or metal artefact over target lesions.' },
        { id: 'CTM-3', text: 'Lung apices to pubic symphysis covered.' },
      ],
    },
    {
      id: 'MR-FLAIR',
      modality: 'MR',
      title: 'Axial T2 FLAIR',
      select: [
        {
          kind: 'regex',
          attribute: 'SeriesDescription',
          pattern: 'flair|dark.?fluid',
          ignoreCase: true,
        },
      ],
      rules: [
        {
          id: 'MR-1',
          severity: 'major',
          text: 'FLAIR at 5 mm or thinner.',
          source: 'BTIP (Ellingson 2015) Table 1',
          check: { kind: 'range', attribute: 'SliceThickness', max: 5, unit: 'mm' },
        },
        {
          id: 'MR-2',
          severity: 'major',
          text: 'Every slice of the FLAIR stack.',
          check: { kind: 'geometry', measure: 'no-gaps' },
        },
        {
          id: 'MR-3',
          severity: 'minor',
          text: 'Field strength 1.5 T or 3 T.',
          source: 'BTIP Table 1',
          check: { kind: 'range', attribute: 'MagneticFieldStrength', min: 1.5, max: 3, unit: 'T' },
        },
      ],
      manual: [{ id: 'MRM-1', text: 'No motion artefact.' }],
    },
    {
      id: 'MR-T1C',
      modality: 'MR',
      title: 'Axial T1 post-gadolinium',
      select: [{ kind: 'regex', attribute: 'SeriesDescription', pattern: 't1', ignoreCase: true }],
      rules: [
        {
          id: 'MR-4',
          severity: 'major',
          text: 'Give gadolinium before the T1 post and record the agent.',
          source: 'BTIP Table 1',
          check: { kind: 'present', attribute: 'ContrastBolusAgent' },
        },
        {
          id: 'MR-5',
          severity: 'major',
          text: 'T1 post at 5 mm or thinner.',
          source: 'BTIP Table 1',
          check: { kind: 'range', attribute: 'SliceThickness', max: 5, unit: 'mm' },
        },
        {
          id: 'MR-6',
          severity: 'major',
          text: 'Every slice of the T1 post stack.',
          check: { kind: 'geometry', measure: 'no-gaps' },
        },
      ],
      manual: [{ id: 'MRM-2', text: 'Contrast enhancement visible (post-contrast timing).' }],
    },
    {
      id: 'PET-WB',
      modality: 'PT',
      title: 'FDG PET whole body, attenuation corrected',
      rules: [
        {
          id: 'PET-1',
          severity: 'major',
          text: 'The header allows an SUV: units, decay correction, weight, dose and injection time recorded.',
          source: 'EANM FDG v2.0 §6 / UPICT FDG §11',
          check: { kind: 'suv-computable' },
        },
        {
          id: 'PET-2',
          severity: 'major',
          text: 'The radiopharmaceutical is FDG.',
          source: 'EANM FDG v2.0',
          check: {
            kind: 'regex',
            attribute: 'RadiopharmaceuticalInformationSequence[0].Radiopharmaceutical',
            pattern: 'fluorodeoxyglucose|fdg',
            ignoreCase: true,
          },
        },
        {
          id: 'PET-3',
          severity: 'major',
          text: 'Every slice of the PET volume.',
          check: { kind: 'geometry', measure: 'no-gaps' },
        },
      ],
    },
  ],
  visits: [
    {
      id: 'V-1',
      severity: 'major',
      text: 'The baseline visit contains a CT chest-abdomen-pelvis.',
      source: 'RECIST 1.1 §4.1',
      visit: 'baseline',
      kind: 'requires',
      series: 'CT-CAP',
    },
    {
      id: 'V-2',
      severity: 'major',
      text: 'Every visit contains an FDG PET.',
      visit: 'any',
      kind: 'requires',
      series: 'PET-WB',
    },
    {
      id: 'V-3',
      severity: 'major',
      text: 'Follow-up CT slice thickness as at baseline (± 0.5 mm).',
      source: 'RECIST 1.1 §3.2 (same technique at each assessment)',
      visit: 'followup',
      kind: 'comparable',
      series: 'CT-CAP',
      attribute: 'SliceThickness',
      tolerance: 0.5,
    },
    {
      id: 'V-4',
      severity: 'minor',
      text: 'Follow-up CT kernel class as at baseline.',
      source: 'RECIST 1.1 §3.2',
      visit: 'followup',
      kind: 'comparable',
      series: 'CT-CAP',
      attribute: 'ConvolutionKernel',
    },
  ],
};

export interface ExpectedDeviation {
  seriesInstanceUid: string;
  /** Series folder, for humans. */
  path: string;
  why: string;
  status: 'major' | 'minor';
  /** Exactly the rules QC must report for this series. */
  rules: string[];
}

/**
 * The planted deviations and the QC each must yield. The truncated file is planted as a
 * broken file; its series then misses a slice in the index, which QC rightly reports.
 */
export function demoQcExpectations(plan: DemoPlan): ExpectedDeviation[] {
  const out = new Map<string, ExpectedDeviation>();
  const add = (uid: string, path: string, why: string, rules: string[]): void => {
    const e = out.get(uid);
    if (e) {
      e.why += `; ${why}`;
      e.rules = [...new Set([...e.rules, ...rules])].sort();
    } else
      out.set(uid, {
        seriesInstanceUid: uid,
        path,
        why,
        status: 'major',
        rules: [...rules].sort(),
      });
  };
  const thickFollowUp = new Set<string>();
  for (const subject of plan.subjects)
    subject.visits.forEach((v, i) => {
      for (const st of v.studies)
        for (const s of st.series)
          if (i > 0 && s.kind === 'ct-cap' && s.thickness !== 5) thickFollowUp.add(s.uid);
    });
  for (const d of plan.deviations) {
    if (d.kind === 'thick-slices')
      add(
        d.seriesInstanceUid,
        d.path,
        'CT reconstructed at 7.5 mm',
        thickFollowUp.has(d.seriesInstanceUid) ? ['CT-2', 'V-3'] : ['CT-2'],
      );
    if (d.kind === 'no-contrast') add(d.seriesInstanceUid, d.path, 'CT without contrast', ['CT-1']);
    if (d.kind === 'missing-slice')
      add(d.seriesInstanceUid, d.path, 'one CT slice missing', ['CT-3']);
  }
  for (const b of plan.broken) {
    if (b.expect !== 'truncated') continue;
    const dir = b.path.slice(0, b.path.lastIndexOf('/'));
    for (const subject of plan.subjects)
      for (const v of subject.visits)
        for (const st of v.studies)
          for (const s of st.series)
            if (
              `${subject.site.id}/${subject.id}/${v.folder}/${s.folder}` === dir &&
              s.kind === 'mr-flair'
            )
              add(s.uid, dir, 'a truncated file leaves a FLAIR slice unreadable', ['MR-2']);
  }
  return [...out.values()];
}

// QC speed on the benchmark page: 100,000 instances in 2,000 series against a 30-rule
// protocol (geometry included), checked in the QC worker, against the machine's own limit
// in the same run: packing and moving the same input into the same worker with no checking.
// The page's responsiveness is measured while QC runs (the longest main-thread stall).
import * as Comlink from 'comlink';
import { DEMO_PROTOCOL } from '../core/demo/protocol';
import type { Protocol, Rule } from '../core/protocol/types';
import type { QcSeriesInput } from '../core/qc/engine';
import { packSeries } from '../core/qc/packed';
import type { QcWorkerApi } from '../../workers/qc.worker';

/** The demo protocol's CT requirement padded with more header rules to `count` rules. */
export function benchProtocol(count = 30): Protocol {
  const ct = DEMO_PROTOCOL.series.find((s) => s.id === 'CT-CAP')!;
  const extra: Rule[] = [];
  const kinds: Array<Rule['check']> = [
    { kind: 'present', attribute: 'StudyDescription' },
    { kind: 'oneOf', attribute: 'Manufacturer', values: ['Siemens', 'GE', 'Philips'] },
    { kind: 'range', attribute: 'KVP', min: 70, max: 150, unit: 'kV' },
    {
      kind: 'regex',
      attribute: 'SeriesDescription',
      pattern: 'cap|axial|thorax',
      ignoreCase: true,
    },
    { kind: 'equals', attribute: 'BodyPartExamined', value: 'CHEST' },
    { kind: 'geometry', measure: 'no-overlap' },
  ];
  const base = ct.rules.length + (DEMO_PROTOCOL.mandatory?.length ?? 0);
  for (let i = 0; base + extra.length < count; i++)
    extra.push({
      id: `BX-${i + 1}`,
      severity: 'minor',
      text: 'bench rule',
      check: kinds[i % kinds.length]!,
    });
  return {
    ...DEMO_PROTOCOL,
    series: [{ ...ct, rules: [...ct.rules, ...extra] }],
    visits: DEMO_PROTOCOL.visits?.filter((v) => v.series === 'CT-CAP'),
  };
}

/** 2,000 CT series of 50 slices by default, 100 subjects x 20 visits; every 50th has a gap. */
export function benchSeries(seriesCount = 2000, slices = 50): QcSeriesInput[] {
  const out: QcSeriesInput[] = [];
  for (let s = 0; s < seriesCount; s++) {
    const subject = s % 100;
    const visit = Math.floor(s / 100);
    const d = new Date(Date.UTC(2024, 2, 5 + visit * 14));
    const date = d.toISOString().slice(0, 10).replaceAll('-', '');
    const instances = [];
    for (let i = 1; i <= slices; i++) {
      if (s % 50 === 0 && i === 25) continue;
      instances.push({
        instanceNumber: i,
        geometry: [-250, -250, -i * 5, 1, 0, 0, 0, 1, 0, 0.98, 0.98],
        sliceThickness: 5,
        acquisitionTime: '101500',
      });
    }
    out.push({
      seriesInstanceUid: `2.25.${s}`,
      patientId: `SUBJ-${subject}`,
      studyDate: date,
      modality: 'CT',
      site: `site-${subject % 5}`,
      attributes: {
        PatientID: `SUBJ-${subject}`,
        StudyDate: date,
        StudyDescription: 'CT CAP',
        SeriesDescription: 'AXIAL CAP 5MM',
        Manufacturer: 'SIEMENS',
        BodyPartExamined: 'CHEST',
        ContrastBolusAgent: 'Omnipaque 350',
        SliceThickness: '5',
        KVP: '120',
        ConvolutionKernel: 'Br40',
      },
      instances,
    });
  }
  return out;
}

const qcBench = {
  async run(seriesCount = 2000, slices = 50) {
    const protocol = benchProtocol(30);
    const series = benchSeries(seriesCount, slices);
    const rules = protocol.series[0]!.rules.length + (protocol.mandatory?.length ?? 0);
    const worker = new Worker(new URL('../../workers/qc.worker.ts', import.meta.url), {
      type: 'module',
    });
    const remote = Comlink.wrap<QcWorkerApi>(worker);
    const send = (list: QcSeriesInput[]) => {
      const p = packSeries(list);
      return Comlink.transfer(p, [p.values.buffer, p.counts.buffer, p.hasGeometry.buffer]);
    };
    await remote.echoPacked([protocol], send(series.slice(0, 10))); // worker started and warm
    let stall = 0;
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last - 10);
      last = now;
    }, 10);
    const t0 = performance.now();
    const result = await remote.runPacked([protocol], send(series));
    const qcMs = performance.now() - t0;
    clearInterval(tick);
    const t1 = performance.now();
    await remote.echoPacked([protocol], send(series));
    const cloneMs = performance.now() - t1;
    worker.terminate();
    const flagged = result.series.filter((r) => r.status !== 'pass').length;
    return {
      instances: series.reduce((n, s) => n + s.instances.length, 0),
      series: series.length,
      rules,
      flagged,
      qcMs,
      cloneMs,
      stallMs: Math.max(0, stall),
    };
  },
};

(window as unknown as { trialbenchQc: typeof qcBench }).trialbenchQc = qcBench;

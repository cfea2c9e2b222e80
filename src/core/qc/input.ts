// From the index (instance rows + one series header) to what the QC engine reads.
import type { IndexedAttribute } from '../index/record';
import type { InstanceRow } from '../ports/store';
import type { QcSeriesInput } from './engine';

export type QcInstance = Pick<
  InstanceRow,
  | 'seriesInstanceUid'
  | 'patientId'
  | 'studyDate'
  | 'modality'
  | 'institutionName'
  | 'clinicalTrialSiteId'
  | 'instanceNumber'
  | 'geometry'
  | 'sliceThickness'
  | 'acquisitionTime'
  | 'missing'
>;

/** One series: its present instances and the attribute list of one of its files. */
export function seriesInput(
  instances: QcInstance[],
  attributes: IndexedAttribute[],
): QcSeriesInput | null {
  const present = instances.filter((i) => !i.missing);
  const first = present[0];
  if (!first) return null;
  const attrs: Record<string, string> = {};
  for (const a of attributes) attrs[a.keyword] = a.value;
  return {
    seriesInstanceUid: first.seriesInstanceUid,
    patientId: first.patientId,
    studyDate: first.studyDate,
    modality: first.modality,
    site: first.clinicalTrialSiteId || first.institutionName,
    attributes: attrs,
    instances: present.map((i) => ({
      instanceNumber: i.instanceNumber,
      // Rows indexed before schema v5 have no geometry field at all.
      geometry: i.geometry ?? null,
      sliceThickness: i.sliceThickness,
      acquisitionTime: i.acquisitionTime ?? '',
    })),
  };
}

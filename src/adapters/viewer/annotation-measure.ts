// A Cornerstone3D annotation as the viewer port's Measurement: its handles from world (patient
// mm) to image pixels on the slice's plane, its sizes from the stack's calibration, and an
// ellipse's statistics in modality values (SUV on PET), in the measurement as in its text box.
import { cache, type Types } from '@cornerstonejs/core';
import * as csTools from '@cornerstonejs/tools';
import { modalityScale } from './modality-values';
import { frameOfImageId, measurementSizes, roiStatsOf, suvTextLines } from './roi';
import { KIND_OF } from './tools';
import type { Calibration, Measurement, RoiStats } from '../../core/image/measurement';
import type { SliceMeta } from '../../core/image/slice-meta';
import type { SuvResult } from '../../core/qc/suv';

/** What a pane knows of its stack that a measurement on it needs. */
export interface StackFacts {
  calibration: Calibration;
  /** What the index (or a header) says of each image id. */
  metas: ReadonlyMap<string, SliceMeta>;
  /** PET only: SUVbw's factor for the shown series, or why it has none. */
  suv: SuvResult | null;
}

/** World (patient mm) to image pixel coordinates on the shown slice's plane. */
export function worldToImage(
  viewport: Types.IStackViewport,
  world: Types.Point3,
): [number, number] | null {
  const d = viewport.getImageData?.();
  if (!d) return null;
  const o = d.origin;
  const dir = d.direction;
  const sp = d.spacing;
  const v = [world[0] - o[0], world[1] - o[1], world[2] - o[2]];
  const along = (k: number) => v[0]! * dir[k]! + v[1]! * dir[k + 1]! + v[2]! * dir[k + 2]!;
  return [along(0) / sp[0], along(3) / sp[1]];
}

/** The measurement annotations drawn in an element (every pane's: the caller filters). */
export function measurementAnnotations(element: HTMLDivElement): csTools.Types.Annotation[] {
  return Object.keys(KIND_OF).flatMap(
    (tool) =>
      (csTools.annotation.state.getAnnotations(tool, element) ?? []) as csTools.Types.Annotation[],
  );
}

/** An ellipse's statistics in modality values, with SUV on PET (see roiStatsOf). */
export function roiStatsAt(
  facts: StackFacts,
  imageId: string,
  stats: Record<string, unknown>,
): RoiStats | undefined {
  const scale = modalityScale(cache.getImage(imageId));
  const modality = facts.metas.get(imageId)?.modality ?? '';
  return roiStatsOf(stats, scale, modality, facts.suv);
}

/** The annotation as a Measurement; null for another tool's, or on an uncalibrated stack. */
export function measurementOf(
  a: csTools.Types.Annotation,
  viewport: Types.IStackViewport,
  facts: StackFacts,
): Measurement | null {
  const kind = KIND_OF[a.metadata?.toolName ?? ''];
  const imageId = a.metadata?.referencedImageId;
  if (!kind || !imageId || facts.calibration.kind === 'none') return null;
  const pts = (a.data.handles?.points ?? []).map((p) => {
    const ij = worldToImage(viewport, p as Types.Point3) ?? [NaN, NaN];
    return { x: ij[0], y: ij[1] };
  });
  const c = facts.calibration;
  const info = facts.metas.get(imageId);
  const sop = info?.sopInstanceUid ?? '';
  const seriesUid = info?.seriesInstanceUid ?? '';
  const frame = frameOfImageId(imageId);
  const base = {
    id: a.annotationUID ?? '',
    kind,
    sopInstanceUid: sop,
    seriesInstanceUid: seriesUid,
    frame,
    points: pts,
    label: typeof a.data.label === 'string' && a.data.label ? a.data.label : undefined,
    calibration: c,
  };
  const { areaMm2, ...sizes } = measurementSizes(kind, pts, c);
  if (kind !== 'ellipse') return { ...base, ...sizes };
  const stats = Object.values(
    (a.data.cachedStats ?? {}) as Record<string, Record<string, unknown>>,
  )[0];
  const roi = stats ? roiStatsAt(facts, imageId, stats) : undefined;
  return { ...base, ...sizes, stats: roi ? { ...roi, areaMm2 } : undefined };
}

/** The ellipse's own text box on a PET series says SUVmax/SUVmean (bw), or why not. */
export function showSuvOnEllipse(group: csTools.Types.IToolGroup, facts: () => StackFacts): void {
  const tool = group.getToolInstance(csTools.EllipticalROITool.toolName) as
    { configuration: { getTextLines: (data: unknown, targetId: string) => string[] } } | undefined;
  if (!tool) return;
  const base = tool.configuration.getTextLines;
  tool.configuration.getTextLines = (data, targetId) => {
    const lines = base(data, targetId);
    const imageId = targetId.replace(/^imageId:/, '');
    const stats = (data as { cachedStats?: Record<string, Record<string, unknown>> }).cachedStats?.[
      targetId
    ];
    const f = facts();
    const suv = f.suv && stats ? roiStatsAt(f, imageId, stats)?.suv : undefined;
    return suv ? [...lines, ...suvTextLines(suv)] : lines;
  };
}

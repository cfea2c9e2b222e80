// Cornerstone3D behind the viewer port: one rendering engine, one stack viewport per pane,
// local File objects through the dicom-image-loader's file manager, decoding in its workers
// with the WASM codecs served from our own origin (see vite.config.ts, cornerstoneWasm()).
// Structurally implements ViewerEngine (src/ui/viewer/engine-api.ts); adapters know no UI.
import {
  RenderingEngine,
  Enums,
  cache,
  eventTarget,
  getRenderingEngine,
  getShouldUseCPURendering,
  imageLoader,
  init as csInit,
  setUseCPURendering,
  type Types,
} from '@cornerstonejs/core';
import * as csTools from '@cornerstonejs/tools';
import { init as loaderInit, wadouri } from '@cornerstonejs/dicom-image-loader';
import type { DataSet } from 'dicom-parser';
import { headerOf } from './header';
import { seriesSuv } from './pet';
import type {
  Calibration,
  Measurement,
  MeasurementEvent,
  RoiStats,
} from '../../core/image/measurement';
import { roiSuv, suvUnavailableText, type SuvResult } from '../../core/qc/suv';
import {
  autoWindow,
  calibrationOf,
  orderSlices,
  type SliceGeometry,
} from '../../core/image/viewing';

type ToolName = 'windowLevel' | 'pan' | 'zoom' | 'scroll' | 'length' | 'bidirectional' | 'ellipse';

const TOOL_CLASS = {
  windowLevel: csTools.WindowLevelTool,
  pan: csTools.PanTool,
  zoom: csTools.ZoomTool,
  scroll: csTools.StackScrollTool,
  length: csTools.LengthTool,
  bidirectional: csTools.BidirectionalTool,
  ellipse: csTools.EllipticalROITool,
} as const;
const KIND_OF: Record<string, Measurement['kind']> = {
  [csTools.LengthTool.toolName]: 'length',
  [csTools.BidirectionalTool.toolName]: 'bidirectional',
  [csTools.EllipticalROITool.toolName]: 'ellipse',
};

const ENGINE_ID = 'trialbench-viewer';
const { MouseBindings } = csTools.Enums;
let ready: Promise<'gpu' | 'cpu'> | null = null;

/** Initialises Cornerstone3D, its loader and tools once; resolves to the backend in use. */
export function initCornerstone(opts: { cpu?: boolean; workers?: number } = {}) {
  ready ??= Promise.resolve().then(() => {
    csInit();
    if (opts.cpu) setUseCPURendering(true);
    loaderInit({
      maxWebWorkers: opts.workers ?? Math.max(1, Math.min(2, navigator.hardwareConcurrency - 1)),
      wasmBasePath: `${import.meta.env.BASE_URL}cornerstone-wasm/`,
    } as Parameters<typeof loaderInit>[0]);
    csTools.init();
    for (const t of Object.values(TOOL_CLASS)) csTools.addTool(t);
    // Annotation events are global; each pane filters on its own viewport.
    return opts.cpu || getShouldUseCPURendering() ? ('cpu' as const) : ('gpu' as const);
  });
  return ready;
}

export interface EngineOptions {
  cpu?: boolean;
  workers?: number;
}

interface PaneStateOut {
  index: number;
  total: number;
  position: number | null;
  window: { width: number; center: number } | null;
  invert: boolean;
  zoom: number;
  error: string | null;
  rendered: boolean;
}

interface Listener {
  state(s: PaneStateOut): void;
  measure(e: MeasurementEvent): void;
}

let paneCounter = 0;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function reasonOf(e: unknown): string {
  const inner = (e as { error?: unknown })?.error ?? e;
  if (inner instanceof Error) return inner.message;
  if (typeof inner === 'string') return inner;
  return 'The image could not be decoded';
}

export class CornerstoneEngine {
  private constructor(readonly backend: 'gpu' | 'cpu') {}

  static async create(opts: EngineOptions = {}): Promise<CornerstoneEngine> {
    return new CornerstoneEngine(await initCornerstone(opts));
  }

  private engine(): RenderingEngine {
    return (
      (getRenderingEngine(ENGINE_ID) as RenderingEngine | undefined) ??
      new RenderingEngine(ENGINE_ID)
    );
  }

  createPane(element: HTMLDivElement, listener: Listener): CornerstonePane {
    return new CornerstonePane(this.engine(), element, listener);
  }
}

export class CornerstonePane {
  private readonly id = `pane-${++paneCounter}`;
  private readonly group: csTools.Types.IToolGroup;
  private viewport: Types.IStackViewport;
  private imageIds: string[] = [];
  private along: (number | null)[] = [];
  private calibration: Calibration = { kind: 'none', reason: 'No series loaded' };
  private errors = new Map<number, string>();
  private rendered = false;
  private measureAllowed = true;
  /** PET only: SUVbw's factor for the shown series, or why it has none. */
  private suv: SuvResult | null = null;
  private readonly headers = new Map<string, DataSet>();
  private readonly meta = new Map<string, { sop: string; series: string; modality: string }>();
  private readonly off: (() => void)[] = [];
  private readonly resize = new ResizeObserver(() => this.engine.resize(true, false));

  constructor(
    private readonly engine: RenderingEngine,
    private readonly element: HTMLDivElement,
    private readonly listener: Listener,
  ) {
    engine.enableElement({
      viewportId: this.id,
      type: Enums.ViewportType.STACK,
      element,
      defaultOptions: { background: [0, 0, 0] as Types.Point3 },
    });
    this.viewport = engine.getViewport(this.id) as Types.IStackViewport;
    const group = csTools.ToolGroupManager.createToolGroup(`${this.id}-tools`);
    if (!group) throw new Error('tool group could not be created');
    this.group = group;
    for (const t of Object.values(TOOL_CLASS)) group.addTool(t.toolName);
    group.addViewport(this.id, ENGINE_ID);
    group.setToolActive(csTools.PanTool.toolName, {
      bindings: [{ mouseButton: MouseBindings.Auxiliary }],
    });
    group.setToolActive(csTools.ZoomTool.toolName, {
      bindings: [{ mouseButton: MouseBindings.Secondary }],
    });
    group.setToolActive(csTools.StackScrollTool.toolName, {
      bindings: [{ mouseButton: MouseBindings.Wheel }],
    });
    this.setTool('windowLevel');
    this.showSuvOnEllipse();
    this.resize.observe(element);

    const on = (target: EventTarget, name: string, fn: (e: Event) => void) => {
      target.addEventListener(name, fn);
      this.off.push(() => target.removeEventListener(name, fn));
    };
    on(element, Enums.Events.STACK_NEW_IMAGE, () => {
      this.errors.delete(this.viewport.getCurrentImageIdIndex());
      this.rendered = true;
      this.emit();
    });
    on(element, Enums.Events.IMAGE_RENDERED, () => this.emit());
    on(element, Enums.Events.VOI_MODIFIED, () => this.emit());
    on(element, Enums.Events.CAMERA_MODIFIED, () => this.emit());
    on(eventTarget, Enums.Events.IMAGE_LOAD_ERROR, (e) => {
      const d = (e as CustomEvent<{ imageId?: string; error?: unknown }>).detail;
      const i = d?.imageId ? this.imageIds.indexOf(d.imageId) : -1;
      if (i < 0) return;
      this.errors.set(i, reasonOf(d.error));
      this.emit();
    });
    const ev = csTools.Enums.Events;
    const annotationEvent = (type: 'added' | 'modified' | 'completed') => (e: Event) => {
      const a = (e as CustomEvent<{ annotation?: csTools.Types.Annotation; viewportId?: string }>)
        .detail?.annotation;
      if (!a) return;
      const m = this.toMeasurement(a);
      if (m) this.listener.measure({ type, measurement: m });
    };
    on(eventTarget, ev.ANNOTATION_ADDED, annotationEvent('added'));
    on(eventTarget, ev.ANNOTATION_MODIFIED, annotationEvent('modified'));
    on(eventTarget, ev.ANNOTATION_COMPLETED, annotationEvent('completed'));
    on(eventTarget, ev.ANNOTATION_REMOVED, (e) => {
      const a = (e as CustomEvent<{ annotation?: csTools.Types.Annotation }>).detail?.annotation;
      if (a?.annotationUID && this.owns(a))
        this.listener.measure({ type: 'removed', id: a.annotationUID });
    });
  }

  private owns(a: csTools.Types.Annotation): boolean {
    const ref = a.metadata?.referencedImageId;
    return !!ref && this.imageIds.includes(ref);
  }

  async load(files: File[]) {
    const unreadable: { name: string; reason: string }[] = [];
    const slices: SliceGeometry[] = [];
    // Headers (prefixes) order the stack; each file is read whole and decoded in the loader's
    // workers only when its slice is shown or prefetched.
    await Promise.all(
      files.map(async (file) => {
        const base = wadouri.fileManager.add(file);
        try {
          const ds = await headerOf(file);
          const frames = Math.max(1, Number(ds.intString('x00280008') ?? 1) || 1);
          const floats = (tag: string): number[] | null => {
            const v = ds.string(tag)?.split('\\').map(Number);
            return v && v.every(Number.isFinite) ? v : null;
          };
          for (let f = 0; f < frames; f++) {
            const id = frames > 1 ? `${base}?frame=${f}` : base;
            this.headers.set(id, ds);
            this.meta.set(id, {
              sop: ds.string('x00080018') ?? '',
              series: ds.string('x0020000e') ?? '',
              modality: ds.string('x00080060') ?? '',
            });
            slices.push({
              key: id,
              instanceNumber: num(ds.intString('x00200013')),
              position: frames > 1 ? null : floats('x00200032'),
              orientation: floats('x00200037'),
              rows: ds.uint16('x00280010') ?? 0,
              columns: ds.uint16('x00280011') ?? 0,
            });
          }
        } catch (e) {
          unreadable.push({ name: file.name, reason: reasonOf(e) });
        }
      }),
    );
    const order = orderSlices(slices);
    this.imageIds = order.keys;
    this.along = order.along;
    this.errors.clear();
    const first = this.imageIds[0];
    const ds2 = first ? this.headers.get(first) : undefined;
    const floats = (tag: string): number[] | null => {
      const v = ds2?.string(tag)?.split('\\').map(Number);
      return v && v.every(Number.isFinite) ? v : null;
    };
    this.calibration = calibrationOf({
      pixelSpacing: floats('x00280030'),
      imagerPixelSpacing: floats('x00181164'),
      magnification: floats('x00181114')?.[0] ?? null,
    });
    this.measureAllowed = this.calibration.kind !== 'none';
    this.suv =
      ds2?.string('x00080060') === 'PT' ? seriesSuv([...new Set(this.headers.values())]) : null;
    if (this.imageIds.length) {
      // Not awaited: the first image's arrival is reported by the viewport's events, and a
      // first image that fails is reported in place like any other.
      const start = Math.floor(this.imageIds.length / 2);
      this.viewport.setStack(this.imageIds, start).then(
        () => csTools.utilities.stackPrefetch.enable(this.element),
        (e: unknown) => {
          this.errors.set(start, reasonOf(e));
          this.emit();
        },
      );
    }
    this.emit();
    return {
      total: this.imageIds.length,
      modality: ds2?.string('x00080060') ?? '',
      seriesDescription: ds2?.string('x0008103e') ?? '',
      institution: ds2?.string('x00080080') ?? '',
      studyDate: ds2?.string('x00080020') ?? '',
      calibration: this.calibration,
      along: order.along,
      problems: order.problems,
      unreadable,
    };
  }

  private emit() {
    const i = this.viewport.getCurrentImageIdIndex?.() ?? 0;
    const props = this.imageIds.length ? this.viewport.getProperties() : {};
    const voi = props.voiRange;
    let zoom = 1;
    try {
      zoom = this.viewport.getZoom();
    } catch {
      /* no image yet */
    }
    this.listener.state({
      index: i,
      total: this.imageIds.length,
      position: this.along[i] ?? null,
      window: voi ? { width: voi.upper - voi.lower, center: (voi.upper + voi.lower) / 2 } : null,
      invert: !!props.invert,
      zoom,
      error: this.errors.get(i) ?? null,
      rendered: this.rendered && !this.errors.has(i),
    });
  }

  setIndex(i: number) {
    if (!this.imageIds.length) return;
    const n = Math.max(0, Math.min(this.imageIds.length - 1, i));
    this.rendered = false;
    this.viewport.setImageIdIndex(n).then(
      () => this.emit(),
      (e: unknown) => {
        this.errors.set(n, reasonOf(e));
        this.emit();
      },
    );
    this.emit();
  }

  scroll(delta: number) {
    this.setIndex(this.viewport.getCurrentImageIdIndex() + delta);
  }

  setTool(t: ToolName) {
    if (!this.measureAllowed && (t === 'length' || t === 'bidirectional' || t === 'ellipse'))
      return;
    for (const name of [
      'windowLevel',
      'scroll',
      'length',
      'bidirectional',
      'ellipse',
      'pan',
      'zoom',
    ] as const) {
      const tool = TOOL_CLASS[name].toolName;
      if (name === t) continue;
      const keep =
        name === 'pan'
          ? [{ mouseButton: MouseBindings.Auxiliary }]
          : name === 'zoom'
            ? [{ mouseButton: MouseBindings.Secondary }]
            : name === 'scroll'
              ? [{ mouseButton: MouseBindings.Wheel }]
              : null;
      if (keep) this.group.setToolActive(tool, { bindings: keep });
      else if (KIND_OF[tool]) this.group.setToolPassive(tool);
      else this.group.setToolDisabled(tool);
    }
    const bindings = [{ mouseButton: MouseBindings.Primary }];
    if (t === 'pan') bindings.push({ mouseButton: MouseBindings.Auxiliary });
    if (t === 'zoom') bindings.push({ mouseButton: MouseBindings.Secondary });
    if (t === 'scroll') bindings.push({ mouseButton: MouseBindings.Wheel });
    this.group.setToolActive(TOOL_CLASS[t].toolName, { bindings });
  }

  setWindow(width: number, center: number) {
    this.viewport.setProperties({
      voiRange: { lower: center - width / 2, upper: center + width / 2 },
    });
    this.viewport.render();
  }

  autoWindow() {
    const image = this.viewport.getCornerstoneImage?.();
    if (!image) return;
    const px = image.getPixelData();
    let min = Infinity;
    let max = -Infinity;
    for (let k = 0; k < px.length; k++) {
      const v = px[k]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const scaled = image.preScale?.scaled;
    const slope = scaled ? 1 : (image.slope ?? 1);
    const intercept = scaled ? 0 : (image.intercept ?? 0);
    const w = autoWindow(min * slope + intercept, max * slope + intercept);
    this.setWindow(w.width, w.center);
  }

  invert() {
    this.viewport.setProperties({ invert: !this.viewport.getProperties().invert });
    this.viewport.render();
    this.emit();
  }

  zoomBy(factor: number) {
    this.viewport.setZoom(this.viewport.getZoom() * factor);
    this.viewport.render();
  }

  panBy(dx: number, dy: number) {
    const p = this.viewport.getPan();
    this.viewport.setPan([p[0] + dx, p[1] + dy] as Types.Point2);
    this.viewport.render();
  }

  reset() {
    this.viewport.resetCamera();
    this.viewport.resetProperties();
    this.viewport.render();
    this.emit();
  }

  probe(clientX: number, clientY: number) {
    const image = this.viewport.getCornerstoneImage?.();
    const imageId = this.viewport.getCurrentImageId?.();
    if (!image || !imageId || this.errors.has(this.viewport.getCurrentImageIdIndex())) return null;
    const r = this.element.getBoundingClientRect();
    const world = this.viewport.canvasToWorld([clientX - r.left, clientY - r.top] as Types.Point2);
    const ij = this.toImage(world);
    if (!ij) return null;
    const x = Math.round(ij[0]);
    const y = Math.round(ij[1]);
    if (x < 0 || y < 0 || x >= image.columns || y >= image.rows) return null;
    const raw = image.getPixelData()[y * image.columns + x] ?? NaN;
    const scaled = image.preScale?.scaled;
    const value = scaled ? raw : raw * (image.slope ?? 1) + (image.intercept ?? 0);
    return { x, y, value, unit: this.meta.get(imageId)?.modality === 'CT' ? 'HU' : '' };
  }

  /** World (patient mm) to image pixel coordinates on the shown slice's plane. */
  private toImage(world: Types.Point3): [number, number] | null {
    const d = this.viewport.getImageData?.();
    if (!d) return null;
    const o = d.origin;
    const dir = d.direction;
    const sp = d.spacing;
    const v = [world[0] - o[0], world[1] - o[1], world[2] - o[2]];
    const along = (k: number) => v[0]! * dir[k]! + v[1]! * dir[k + 1]! + v[2]! * dir[k + 2]!;
    return [along(0) / sp[0], along(3) / sp[1]];
  }

  private annotations(): csTools.Types.Annotation[] {
    return Object.keys(KIND_OF)
      .flatMap(
        (tool) =>
          (csTools.annotation.state.getAnnotations(tool, this.element) ??
            []) as csTools.Types.Annotation[],
      )
      .filter((a) => this.owns(a));
  }

  setLabel(id: string, label: string) {
    const a = this.annotations().find((x) => x.annotationUID === id);
    if (!a) return;
    a.data.label = label;
    const m = this.toMeasurement(a);
    if (m) this.listener.measure({ type: 'modified', measurement: m });
    this.viewport.render();
  }

  removeMeasurement(id: string) {
    csTools.annotation.state.removeAnnotation(id);
    this.viewport.render();
  }

  private toMeasurement(a: csTools.Types.Annotation): Measurement | null {
    const kind = KIND_OF[a.metadata?.toolName ?? ''];
    const imageId = a.metadata?.referencedImageId;
    if (!kind || !imageId || !this.owns(a) || this.calibration.kind === 'none') return null;
    const pts = (a.data.handles?.points ?? []).map((p) => {
      const ij = this.toImage(p as Types.Point3) ?? [NaN, NaN];
      return { x: ij[0], y: ij[1] };
    });
    const c = this.calibration;
    const mm = (i: number, j: number) =>
      pts[i] && pts[j]
        ? Math.hypot((pts[j].x - pts[i].x) * c.colMm, (pts[j].y - pts[i].y) * c.rowMm)
        : 0;
    const info = this.meta.get(imageId);
    const sop = info?.sop ?? '';
    const seriesUid = info?.series ?? '';
    const frame = Number(/[?&]frame=(\d+)/.exec(imageId)?.[1] ?? 0);
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
    if (kind === 'length') return { ...base, longMm: mm(0, 1) };
    if (kind === 'bidirectional') {
      const l = mm(0, 1);
      const s = mm(2, 3);
      return { ...base, longMm: Math.max(l, s), shortMm: Math.min(l, s) };
    }
    const a1 = mm(0, 1);
    const a2 = mm(2, 3);
    const stats = Object.values(
      (a.data.cachedStats ?? {}) as Record<string, Record<string, unknown>>,
    )[0];
    const roi = stats ? this.roiStats(imageId, stats) : undefined;
    return {
      ...base,
      longMm: Math.max(a1, a2),
      shortMm: Math.min(a1, a2),
      stats: roi ? { ...roi, areaMm2: (Math.PI * a1 * a2) / 4 } : undefined,
    };
  }

  /**
   * An ellipse's statistics in modality values (HU, Bq/ml): Cornerstone computes them on the
   * viewport's pixels, which are the stored values unless the loader pre-scaled them. On PET
   * they carry SUVbw, or why there is none.
   */
  private roiStats(imageId: string, stats: Record<string, unknown>): RoiStats | undefined {
    const mean = num(stats.mean);
    if (mean === null) return undefined;
    const image = cache.getImage(imageId);
    const scaled = !!image?.preScale?.scaled;
    const slope = scaled ? 1 : (image?.slope ?? 1);
    const intercept = scaled ? 0 : (image?.intercept ?? 0);
    const value = (v: number) => v * slope + intercept;
    const modality = this.meta.get(imageId)?.modality ?? '';
    const bqml = modality === 'PT' && this.suv?.computable === true;
    const out: RoiStats = {
      mean: value(mean),
      sd: (num(stats.stdDev) ?? 0) * Math.abs(slope),
      min: value(num(stats.min) ?? 0),
      max: value(num(stats.max) ?? 0),
      count: num(stats.count) ?? 0,
      unit: modality === 'CT' ? 'HU' : bqml ? 'Bq/ml' : '',
    };
    if (this.suv) out.suv = roiSuv(out, this.suv);
    return out;
  }

  /** The ellipse's own text box on a PET series says SUVmax/SUVmean (bw), or why not. */
  private showSuvOnEllipse() {
    const tool = this.group.getToolInstance(csTools.EllipticalROITool.toolName) as
      | { configuration: { getTextLines: (data: unknown, targetId: string) => string[] } }
      | undefined;
    if (!tool) return;
    const base = tool.configuration.getTextLines;
    tool.configuration.getTextLines = (data, targetId) => {
      const lines = base(data, targetId);
      const imageId = targetId.replace(/^imageId:/, '');
      const stats = (data as { cachedStats?: Record<string, Record<string, unknown>> })
        .cachedStats?.[targetId];
      const suv = this.suv && stats ? this.roiStats(imageId, stats)?.suv : undefined;
      if (!suv) return lines;
      if (!suv.computable) return [...lines, suvUnavailableText(suv)];
      return [...lines, `SUVmax ${suv.max.toFixed(2)} (bw)`, `SUVmean ${suv.mean.toFixed(2)}`];
    };
  }

  destroy() {
    this.resize.disconnect();
    for (const f of this.off) f();
    csTools.ToolGroupManager.destroyToolGroup(`${this.id}-tools`);
    this.engine.disableElement(this.id);
  }
}

/** Empties the decoded-image and parsed-dataset caches (bench: cold decoding). */
export function purgeCaches(): void {
  cache.purgeCache();
  wadouri.dataSetCacheManager.purge();
}

/** Decodes one file `times` times in the loader's workers; images per second. */
export async function decodeFileRate(file: File, times: number): Promise<number> {
  await initCornerstone();
  const id = wadouri.fileManager.add(file);
  await imageLoader.loadImage(id); // warm: workers and codec started
  let ms = 0;
  for (let i = 0; i < times; i++) {
    purgeCaches();
    const t = performance.now();
    await imageLoader.loadImage(id);
    ms += performance.now() - t;
  }
  return times / (ms / 1000);
}

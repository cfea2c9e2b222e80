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
import { headerOf, sliceMetaOfDataSet } from './header';
import { seriesSuv } from './pet';
import { modalityScale } from './modality-values';
import { frameOfImageId, measurementSizes, roiStatsOf, suvTextLines } from './roi';
import { completeMetas, type MetaOutcome, type SliceMeta } from '../../core/image/slice-meta';
import type {
  Calibration,
  Measurement,
  MeasurementEvent,
  RoiStats,
} from '../../core/image/measurement';
import { StackLoader } from '../../core/image/stack-loader';
import type { SuvResult } from '../../core/qc/suv';
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
/** Decoding workers the loader runs (each pane keeps one more request than this in flight). */
let workerCount = 1;

/**
 * WebGL drawn by the CPU (SwiftShader, llvmpipe): every WebGL frame is then read back to be
 * copied on screen, ~20 ms of the main thread per frame in headless Chromium here, while
 * Cornerstone3D's CPU path draws a stack at the display rate (npm run bench, viewer).
 */
function softwareWebGl(): boolean {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return false; // no WebGL: Cornerstone3D chooses its CPU path itself
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software/i.test(name);
}

/**
 * Initialises Cornerstone3D, its loader and tools once; resolves to the backend in use:
 * WebGL unless asked for the CPU path, or (renderer 'auto') WebGL is itself run on the CPU.
 */
export function initCornerstone(opts: EngineOptions = {}) {
  ready ??= Promise.resolve().then(() => {
    csInit();
    const renderer = opts.renderer ?? 'auto';
    if (renderer === 'cpu' || (renderer === 'auto' && softwareWebGl())) setUseCPURendering(true);
    workerCount = opts.workers ?? Math.max(1, Math.min(2, navigator.hardwareConcurrency - 1));
    loaderInit({
      maxWebWorkers: workerCount,
      wasmBasePath: `${import.meta.env.BASE_URL}cornerstone-wasm/`,
    } as Parameters<typeof loaderInit>[0]);
    csTools.init();
    for (const t of Object.values(TOOL_CLASS)) csTools.addTool(t);
    // Annotation events are global; each pane filters on its own viewport.
    return getShouldUseCPURendering() ? ('cpu' as const) : ('gpu' as const);
  });
  return ready;
}

export interface EngineOptions {
  /** 'auto' (the default): WebGL, or the CPU path where WebGL is software-rendered. */
  renderer?: 'auto' | 'gpu' | 'cpu';
  workers?: number;
}

/** A file and the index's description of it (null: read its header). */
interface StackEntry {
  file: File;
  meta: SliceMeta | null;
}

interface PaneStateOut {
  index: number;
  shown: number | null;
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
  /** The slice the person is on (the index moves at once, never waiting for a decode). */
  private target = 0;
  /** The slice whose pixels are on screen: the target, or the nearest decoded meanwhile. */
  private shown: number | null = null;
  private loader: StackLoader | null = null;
  private drawQueued = false;
  /** False while the viewport's setStack is in flight: a slice change then races it. */
  private stackReady = false;
  private lastEmitted = '';
  private measureAllowed = true;
  /** What the index (or a header) says of each image id. */
  private readonly metas = new Map<string, SliceMeta>();
  /** PET only: SUVbw's factor for the shown series, or why it has none. */
  private suv: SuvResult | null = null;
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
    on(element, Enums.Events.STACK_NEW_IMAGE, (e) => {
      const i = (e as CustomEvent<{ imageIdIndex?: number }>).detail?.imageIdIndex;
      this.shown = typeof i === 'number' ? i : this.viewport.getCurrentImageIdIndex();
      this.errors.delete(this.shown);
      // The CPU path raises this before it sets the image's default window: a preset the
      // listener applies on the first image must come after that, not be undone by it.
      queueMicrotask(() => this.emit());
    });
    // The tools (wheel, drag to scroll) move the stack through the viewport: route them
    // here, so they too move the index at once and never wait for a decode.
    (this.viewport as { scroll: (delta: number) => void }).scroll = (delta) => this.scroll(delta);
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
    on(eventTarget, Enums.Events.IMAGE_CACHE_IMAGE_REMOVED, (e) => {
      const id = (e as CustomEvent<{ imageId?: string }>).detail?.imageId;
      const i = id ? this.imageIds.indexOf(id) : -1;
      if (i >= 0) this.loader?.evicted(i);
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

  /**
   * Orders and describes the stack from the index (headers are read only for entries it
   * lacks), then loads the slice shown first; the others follow in the background.
   */
  async load(entries: StackEntry[]) {
    const unreadable: { name: string; reason: string }[] = [];
    const slices: SliceGeometry[] = [];
    const outcomes = await completeMetas(
      entries,
      async (e) => sliceMetaOfDataSet(await headerOf(e.file)),
      reasonOf,
    );
    for (const o of outcomes) {
      if (!o.ok) {
        unreadable.push({ name: o.entry.file.name, reason: o.reason });
        continue;
      }
      const m = o.meta;
      const base = wadouri.fileManager.add(o.entry.file);
      for (let f = 0; f < m.frames; f++) {
        const id = m.frames > 1 ? `${base}?frame=${f}` : base;
        this.metas.set(id, m);
        slices.push({
          key: id,
          instanceNumber: m.instanceNumber,
          position: m.frames > 1 ? null : m.position,
          orientation: m.orientation,
          rows: m.rows,
          columns: m.columns,
        });
      }
    }
    const order = orderSlices(slices);
    this.imageIds = order.keys;
    this.along = order.along;
    this.errors.clear();
    this.loader?.stop();
    this.shown = null;
    this.stackReady = false;
    const first = this.imageIds[0] ? this.metas.get(this.imageIds[0]) : undefined;
    this.calibration = calibrationOf({
      pixelSpacing: first?.pixelSpacing,
      imagerPixelSpacing: first?.imagerPixelSpacing,
      magnification: first?.magnification,
    });
    this.measureAllowed = this.calibration.kind !== 'none';
    // The index does not hold the radiopharmaceutical module, so a PET series' headers are
    // read for SUV (every image's acquisition time counts); other modalities read none.
    this.suv = first?.modality === 'PT' ? await this.petSuv(outcomes) : null;
    if (this.imageIds.length) {
      // Not awaited: the first image's arrival is reported by the viewport's events, and a
      // first image that fails is reported in place like any other.
      const start = Math.floor(this.imageIds.length / 2);
      const ids = this.imageIds;
      // Decoding in the loader's workers, planned around the slice the person is on (the
      // viewport's own request for the first slice and ours share one cached load).
      const loader = new StackLoader(
        ids.length,
        (i) => imageLoader.loadAndCacheImage(ids[i]!).then(() => undefined),
        {
          loaded: () => this.queueDraw(),
          failed: (i, reason) => {
            this.errors.set(i, reason);
            if (i === this.target) this.emit();
          },
        },
        reasonOf,
        workerCount + 1,
      );
      this.loader = loader;
      this.target = start;
      // Slices decoded before the stack is set wait for it: a setImageIdIndex issued while
      // setStack runs can land after it, moving the view off the slice it reported shown.
      this.viewport.setStack(ids, start).then(
        () => {
          if (this.imageIds !== ids) return;
          this.stackReady = true;
          this.queueDraw();
          this.emit();
        },
        (e: unknown) => {
          if (this.imageIds !== ids) return;
          this.stackReady = true;
          this.errors.set(start, reasonOf(e));
          this.emit();
        },
      );
      loader.setTarget(start);
    }
    this.emit();
    return {
      total: this.imageIds.length,
      modality: first?.modality ?? '',
      seriesDescription: first?.seriesDescription ?? '',
      institution: first?.institutionName ?? '',
      studyDate: first?.studyDate ?? '',
      calibration: this.calibration,
      along: order.along,
      problems: order.problems,
      unreadable,
    };
  }

  /** Shows the target if decoded, else the nearest decoded slice: once per frame at most. */
  private queueDraw() {
    if (this.drawQueued) return;
    this.drawQueued = true;
    requestAnimationFrame(() => {
      this.drawQueued = false;
      const loader = this.loader;
      if (!loader || !this.stackReady) return;
      // The target on screen stays, even before the loader has recorded its decode (the
      // viewport's own load of it can finish first): else a neighbour would replace it.
      if (this.shown === this.target && this.viewport.getCurrentImageIdIndex() === this.target)
        return;
      const i = loader.stateOf(this.target) === 'done' ? this.target : loader.nearestDone();
      if (i === null || i === this.viewport.getCurrentImageIdIndex()) return;
      this.viewport.setImageIdIndex(i).then(
        () => undefined,
        (e: unknown) => {
          this.errors.set(i, reasonOf(e));
          this.emit();
        },
      );
    });
  }

  private emit() {
    const i = this.target;
    const props = this.imageIds.length ? this.viewport.getProperties() : {};
    const voi = props.voiRange;
    let zoom = 1;
    try {
      zoom = this.viewport.getZoom();
    } catch {
      /* no image yet */
    }
    const state: PaneStateOut = {
      index: i,
      shown: this.shown,
      total: this.imageIds.length,
      position: this.along[i] ?? null,
      window: voi ? { width: voi.upper - voi.lower, center: (voi.upper + voi.lower) / 2 } : null,
      invert: !!props.invert,
      zoom,
      error: this.errors.get(i) ?? null,
      rendered: this.stackReady && this.shown === i && !this.errors.has(i),
    };
    // Every drawn frame raises an event: pass on only what changed.
    const key = JSON.stringify(state);
    if (key === this.lastEmitted) return;
    this.lastEmitted = key;
    this.listener.state(state);
  }

  /** Moves to slice `i` at once; its image follows when decoded (see queueDraw). */
  setIndex(i: number) {
    if (!this.imageIds.length || !this.loader) return;
    this.target = Math.max(0, Math.min(this.imageIds.length - 1, i));
    this.loader.setTarget(this.target);
    this.queueDraw();
    this.emit();
  }

  scroll(delta: number) {
    this.setIndex(this.target + delta);
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
    const { slope, intercept } = modalityScale(image);
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
    const { slope, intercept } = modalityScale(image);
    const value = raw * slope + intercept;
    return { x, y, value, unit: this.metas.get(imageId)?.modality === 'CT' ? 'HU' : '' };
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
    const info = this.metas.get(imageId);
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
    const roi = stats ? this.roiStats(imageId, stats) : undefined;
    return { ...base, ...sizes, stats: roi ? { ...roi, areaMm2 } : undefined };
  }

  /** An ellipse's statistics in modality values, with SUV on PET (see roiStatsOf). */
  private roiStats(imageId: string, stats: Record<string, unknown>): RoiStats | undefined {
    const scale = modalityScale(cache.getImage(imageId));
    const modality = this.metas.get(imageId)?.modality ?? '';
    return roiStatsOf(stats, scale, modality, this.suv);
  }

  /** SUVbw for a PET stack from its headers; a header that fails to read is left out. */
  private async petSuv(outcomes: MetaOutcome<StackEntry>[]) {
    const read = await Promise.all(
      outcomes.map((o) => (o.ok ? headerOf(o.entry.file).catch(() => null) : null)),
    );
    return seriesSuv(read.filter((h) => h !== null));
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
      return suv ? [...lines, ...suvTextLines(suv)] : lines;
    };
  }

  destroy() {
    this.loader?.stop();
    this.loader = null;
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

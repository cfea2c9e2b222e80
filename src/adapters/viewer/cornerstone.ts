// Cornerstone3D behind the viewer port: one rendering engine, one stack viewport per pane,
// local File objects through the dicom-image-loader's file manager, decoding in its workers.
// The library's start-up is in cornerstone-init.ts, the tools in tools.ts, the stack's order
// in stack-plan.ts, annotations as measurements in annotation-measure.ts, pixel values in
// image-values.ts: this file is the pane.
// Structurally implements ViewerEngine (src/ui/viewer/engine-api.ts); adapters know no UI.
import {
  RenderingEngine,
  Enums,
  eventTarget,
  getRenderingEngine,
  imageLoader,
  type Types,
} from '@cornerstonejs/core';
import * as csTools from '@cornerstonejs/tools';
import { headerOf, sliceMetaOfDataSet } from './header';
import { valueAt, windowOfImage } from './image-values';
import {
  measurementAnnotations,
  measurementOf,
  showSuvOnEllipse,
  type StackFacts,
} from './annotation-measure';
import { ENGINE_ID, decodeWorkers, initCornerstone, type EngineOptions } from './cornerstone-init';
import { planStack, petSuv, type StackEntry } from './stack-plan';
import { activateTool, createToolGroup, type ToolName } from './tools';
import { completeMetas, type SliceMeta } from '../../core/image/slice-meta';
import type { Calibration, Measurement, MeasurementEvent } from '../../core/image/measurement';
import { StackLoader } from '../../core/image/stack-loader';
import type { SuvResult } from '../../core/qc/suv';
import { calibrationOf } from '../../core/image/viewing';

export { initCornerstone, purgeCaches, type EngineOptions } from './cornerstone-init';

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
    this.group = createToolGroup(`${this.id}-tools`, this.id, ENGINE_ID);
    this.setTool('windowLevel');
    showSuvOnEllipse(this.group, () => this.facts());
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

  /** What measurements on this stack need to know of it. */
  private facts(): StackFacts {
    return { calibration: this.calibration, metas: this.metas, suv: this.suv };
  }

  /**
   * Orders and describes the stack from the index (headers are read only for entries it
   * lacks), then loads the slice shown first; the others follow in the background.
   */
  async load(entries: StackEntry[]) {
    const outcomes = await completeMetas(
      entries,
      async (e) => sliceMetaOfDataSet(await headerOf(e.file)),
      reasonOf,
    );
    const { order, metas, unreadable } = planStack(outcomes);
    for (const [id, m] of metas) this.metas.set(id, m);
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
    this.suv = first?.modality === 'PT' ? await petSuv(outcomes) : null;
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
        decodeWorkers() + 1,
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
    activateTool(this.group, t);
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
    const w = windowOfImage(image);
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
    const at = valueAt(this.viewport, image, this.element, clientX, clientY);
    return at && { ...at, unit: this.metas.get(imageId)?.modality === 'CT' ? 'HU' : '' };
  }

  private annotations(): csTools.Types.Annotation[] {
    return measurementAnnotations(this.element).filter((a) => this.owns(a));
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
    return this.owns(a) ? measurementOf(a, this.viewport, this.facts()) : null;
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

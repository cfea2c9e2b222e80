// Cornerstone3D's start-up, once per page: the library itself, the dicom-image-loader with
// its decoding workers (WASM codecs served from our own origin, see vite.config.ts,
// cornerstoneWasm()), the tools, and the choice of WebGL or the CPU path.
import {
  init as csInit,
  getShouldUseCPURendering,
  setUseCPURendering,
  cache,
} from '@cornerstonejs/core';
import * as csTools from '@cornerstonejs/tools';
import { init as loaderInit, wadouri } from '@cornerstonejs/dicom-image-loader';
import { TOOL_CLASS } from './tools';

/** The one rendering engine every pane draws in. */
export const ENGINE_ID = 'trialbench-viewer';

export interface EngineOptions {
  /** 'auto' (the default): WebGL, or the CPU path where WebGL is software-rendered. */
  renderer?: 'auto' | 'gpu' | 'cpu';
  workers?: number;
}

let ready: Promise<'gpu' | 'cpu'> | null = null;
let workerCount = 1;

/** Decoding workers the loader runs (each pane keeps one more request than this in flight). */
export function decodeWorkers(): number {
  return workerCount;
}

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

/** Empties the decoded-image and parsed-dataset caches (bench: cold decoding). */
export function purgeCaches(): void {
  cache.purgeCache();
  wadouri.dataSetCacheManager.purge();
}

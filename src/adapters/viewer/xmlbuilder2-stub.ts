// vtk.js imports xmlbuilder2 for its VTK XML reader/writer, which the viewer never uses;
// bundled for the browser, xmlbuilder2 extends Node's EventEmitter and fails at load time
// ("Class extends value undefined"). vite.config.ts aliases it to this stub.
export function create(): never {
  throw new Error('VTK XML files are not supported in Trialbench');
}

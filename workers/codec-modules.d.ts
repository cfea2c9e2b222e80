// The codec packages ship no types: each module's default export is an Emscripten factory.
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: (o: object) => Promise<Record<string, unknown>>;
  export default factory;
}
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (o: object) => Promise<Record<string, unknown>>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (o: object) => Promise<Record<string, unknown>>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjph/wasmjs' {
  const factory: (o: object) => Promise<Record<string, unknown>>;
  export default factory;
}

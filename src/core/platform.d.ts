// The few standard, non-DOM web APIs core relies on. They exist alike in Node,
// workers and the page, so core may use them without the DOM lib.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: string;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
/** Cancellation is passed in as a standard AbortSignal; core only reads `aborted`. */
interface AbortSignal {
  readonly aborted: boolean;
}

// A helper of the de-identification worker: writes outputs, reads them back and checks them
// (deid-output.ts), so that work runs beside the de-identification itself. Plain messages
// (deid-output-helper.ts is the other end), not comlink, for what crosses back: an error
// crosses as itself, so a DOMException stays one and the run can tell a full disk from a
// bug (comlink turned it into a plain Error, which the run took for a bug).
import { OutputStage, type OutputResult, type OutputTask } from './deid-output';

export type HelperRequest =
  | { kind: 'init'; output: FileSystemDirectoryHandle; tag: string }
  | { kind: 'put'; id: number; task: OutputTask };

export type HelperReply =
  | { kind: 'ready' }
  | { kind: 'done'; id: number; result: OutputResult }
  | { kind: 'failed'; id: number; error: unknown };

let stage: OutputStage | null = null;
const reply = (m: HelperReply) => self.postMessage(m);

self.onmessage = (e: MessageEvent<HelperRequest>) => {
  const m = e.data;
  if (m.kind === 'init') {
    stage = new OutputStage(m.output, m.tag);
    reply({ kind: 'ready' });
    return;
  }
  if (!stage) {
    reply({ kind: 'failed', id: m.id, error: new Error('deid output worker: init first') });
    return;
  }
  stage.put(m.task).then(
    (result) => reply({ kind: 'done', id: m.id, result }),
    (error: unknown) => {
      try {
        reply({ kind: 'failed', id: m.id, error });
      } catch {
        // Not cloneable (a thrown object with functions): its text, so the run is not left
        // waiting for an answer.
        reply({ kind: 'failed', id: m.id, error: new Error(String(error)) });
      }
    },
  );
};

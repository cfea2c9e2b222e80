// Demo worker: generates the synthetic trial archive (or a benchmark corpus) by code and
// writes it into a folder handle (OPFS), so the app can open it like any other folder.
import * as Comlink from 'comlink';
import { demoArchive, syntheticCorpus, type DemoFile } from '../src/core/demo/archive';

type CorpusParams = Parameters<typeof syntheticCorpus>[0];

async function writeAll(dir: FileSystemDirectoryHandle, files: Iterable<DemoFile>) {
  const dirs = new Map<string, FileSystemDirectoryHandle>([['', dir]]);
  const folder = async (path: string): Promise<FileSystemDirectoryHandle> => {
    const known = dirs.get(path);
    if (known) return known;
    const slash = path.lastIndexOf('/');
    const parent = await folder(slash < 0 ? '' : path.slice(0, slash));
    const made = await parent.getDirectoryHandle(path.slice(slash + 1), { create: true });
    dirs.set(path, made);
    return made;
  };
  let count = 0;
  let bytes = 0;
  for (const file of files) {
    const slash = file.path.lastIndexOf('/');
    const parent = await folder(slash < 0 ? '' : file.path.slice(0, slash));
    const handle = await parent.getFileHandle(file.path.slice(slash + 1), { create: true });
    const writable = await handle.createWritable();
    await writable.write(file.bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
    count++;
    bytes += file.bytes.byteLength;
  }
  return { count, bytes };
}

const api = {
  async writeDemo(dir: FileSystemDirectoryHandle): Promise<number> {
    return (await writeAll(dir, demoArchive())).count;
  },
  writeCorpus(dir: FileSystemDirectoryHandle, params: CorpusParams) {
    return writeAll(dir, syntheticCorpus(params));
  },
};

export type DemoWorkerApi = typeof api;
Comlink.expose(api);

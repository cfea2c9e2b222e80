// An in-memory stand-in for the File System Access handles the de-identification worker
// uses (directories, files, createWritable committing on close, move, removeEntry), so its
// run can be tested in Node. `onCommit` lets a test change what reaches "disk".

type Node = MemDir | MemFile;

const notFound = (name: string) => new DOMException(`${name} not found`, 'NotFoundError');

export class MemFile {
  readonly kind = 'file';
  bytes: Uint8Array = new Uint8Array(0);
  lastModified = 1_700_000_000_000;

  constructor(
    public name: string,
    public parent: MemDir,
  ) {}

  async getFile(): Promise<File> {
    return new File([this.bytes as Uint8Array<ArrayBuffer>], this.name, {
      lastModified: this.lastModified,
    });
  }

  async createWritable() {
    const chunks: Uint8Array[] = [];
    return {
      write: async (data: Uint8Array | string | Blob) => {
        if (typeof data === 'string') chunks.push(new TextEncoder().encode(data));
        else if (data instanceof Blob) chunks.push(new Uint8Array(await data.arrayBuffer()));
        else chunks.push(data.slice());
      },
      close: async () => {
        const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        let at = 0;
        for (const c of chunks) {
          all.set(c, at);
          at += c.length;
        }
        this.bytes = this.parent.root.onCommit(this, all);
      },
    };
  }

  async move(name: string): Promise<void> {
    if (this.parent.children.has(name))
      throw new DOMException('exists', 'InvalidModificationError');
    this.parent.children.delete(this.name);
    this.name = name;
    this.parent.children.set(name, this);
  }

  async isSameEntry(other: unknown): Promise<boolean> {
    return other === this;
  }
}

export class MemDir {
  readonly kind = 'directory';
  readonly children = new Map<string, Node>();
  /** Called when a write commits; returns the bytes that land. */
  onCommit: (file: MemFile, bytes: Uint8Array) => Uint8Array = (_f, b) => b;

  constructor(
    public name: string,
    public parent: MemDir | null = null,
  ) {}

  get root(): MemDir {
    return this.parent ? this.parent.root : this;
  }

  async *values(): AsyncGenerator<Node> {
    for (const c of [...this.children.values()]) yield c;
  }

  async getDirectoryHandle(name: string, o: { create?: boolean } = {}): Promise<MemDir> {
    const c = this.children.get(name);
    if (c instanceof MemDir) return c;
    if (c) throw new DOMException('a file', 'TypeMismatchError');
    if (!o.create) throw notFound(name);
    const d = new MemDir(name, this);
    this.children.set(name, d);
    return d;
  }

  async getFileHandle(name: string, o: { create?: boolean } = {}): Promise<MemFile> {
    const c = this.children.get(name);
    if (c instanceof MemFile) return c;
    if (c) throw new DOMException('a folder', 'TypeMismatchError');
    if (!o.create) throw notFound(name);
    const f = new MemFile(name, this);
    this.children.set(name, f);
    return f;
  }

  async removeEntry(name: string): Promise<void> {
    if (!this.children.delete(name)) throw notFound(name);
  }

  async isSameEntry(other: unknown): Promise<boolean> {
    return other === this;
  }

  async resolve(other: Node): Promise<string[] | null> {
    const path: string[] = [];
    for (let n: Node | null = other; n; n = n.parent) {
      if (n === this) return path;
      path.unshift(n.name);
    }
    return null;
  }

  /** Test helpers: write and read by path. */
  async put(path: string, bytes: Uint8Array): Promise<void> {
    const slash = path.indexOf('/');
    if (slash < 0) {
      (await this.getFileHandle(path, { create: true })).bytes = bytes;
      return;
    }
    const sub = await this.getDirectoryHandle(path.slice(0, slash), { create: true });
    await sub.put(path.slice(slash + 1), bytes);
  }

  files(prefix = ''): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const [name, c] of this.children) {
      if (c instanceof MemDir) for (const [p, b] of c.files(`${prefix}${name}/`)) out.set(p, b);
      else out.set(prefix + name, c.bytes);
    }
    return out;
  }
}

/** The handle type the worker expects. */
export const asHandle = (d: MemDir): FileSystemDirectoryHandle =>
  d as unknown as FileSystemDirectoryHandle;

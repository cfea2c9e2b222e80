// What the command line prints: results on standard output (which may be closed under it,
// e.g. `| head`: then printing stops and the run goes on), errors as one line on stderr.
interface Stream {
  write(s: string): boolean;
  on?(event: 'error', f: (e: Error & { code?: string }) => void): unknown;
  off?(event: 'error', f: (e: Error & { code?: string }) => void): unknown;
}

export class Out {
  closed = false;

  private readonly onError = (e: Error & { code?: string }) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') this.closed = true;
    else throw e;
  };

  constructor(
    private readonly name: string,
    private readonly stdout: Stream,
    private readonly stderr: Stream,
  ) {
    stdout.on?.('error', this.onError);
  }

  /**
   * Over the process's streams. The error listener stays for the life of the process: a
   * closed pipe reports EPIPE asynchronously, possibly after the command has returned.
   */
  static process(name: string): Out {
    return new Out(
      name,
      { write: (s) => process.stdout.write(s), on: (e, f) => process.stdout.on(e, f) },
      { write: (s) => process.stderr.write(s) },
    );
  }

  print(text: string): void {
    if (this.closed) return;
    try {
      this.stdout.write(text);
    } catch (e) {
      this.onError(e as Error & { code?: string });
    }
  }

  say(line: string): void {
    this.print(`${line}\n`);
  }

  /** Lets a closed pipe's error (reported asynchronously) arrive before `closed` is read. */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  }

  /** One line on stderr naming the command; returns `code`. */
  fail(sentence: string, code: number): number {
    this.stderr.write(`${this.name}: ${sentence.replace(/\s*\n\s*/g, ' ')}\n`);
    return code;
  }

  close(): void {
    this.stdout.off?.('error', this.onError);
  }
}

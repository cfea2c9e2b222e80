// Exit codes of `trialbench` commands, one per kind of ending, and what a Node error means.
import type { IoFailure } from '../core/deid/run/run-loop';

export const EXIT = {
  /** Every input written, skipped as unreadable or a duplicate; nothing held, no leak. */
  clean: 0,
  /** Some files were held back (risk, leak check, site, pseudonym...). */
  held: 1,
  usage: 2,
  diskFull: 3,
  io: 4,
  interrupted: 5,
  /** Standard output was closed before the run finished printing (e.g. `| head`). */
  stdoutClosed: 6,
} as const;

export const EXIT_CODES_TEXT = `exit codes:
  0  clean: nothing held back, no leak found
  1  files held back (see DEIDENTIFICATION.md) or the leak check found something
  2  usage: a wrong option, folder or file named on the command line
  3  the output disk is full: free space and run again (the run resumes)
  4  another read or write failure (permissions, I/O error): fix it and run again
  5  interrupted (Ctrl-C or a signal): run again to resume
  6  standard output was closed (e.g. piped into head): the run itself finished
  7  the command line is not built, or building it failed (npm run build:cli)
  70 an internal error (a bug): please report it
`;

export function exitFor(f: IoFailure): number {
  if (f.code === 'disk-full') return EXIT.diskFull;
  if (f.code === 'interrupted') return EXIT.interrupted;
  return EXIT.io;
}

const CODES: Record<string, IoFailure> = {
  ENOSPC: {
    code: 'disk-full',
    sentence: 'the output disk is full: free space, then run the same command again to resume',
  },
  EDQUOT: {
    code: 'disk-full',
    sentence: 'the disk quota is used up: free space, then run the same command again to resume',
  },
  EFBIG: {
    code: 'disk-full',
    sentence: 'a file is larger than the output file system allows: choose another output',
  },
  EACCES: {
    code: 'permission',
    sentence: 'permission denied: make the output folder writable, then run again',
  },
  EPERM: {
    code: 'permission',
    sentence: 'operation not permitted: make the output folder writable, then run again',
  },
  EROFS: {
    code: 'permission',
    sentence: 'the output is on a read-only file system: choose another output folder',
  },
  EIO: { code: 'io', sentence: 'an I/O error from the disk: check it, then run again' },
  ENOENT: {
    code: 'io',
    sentence: 'a file or folder vanished during the run: run again to resume',
  },
  EMFILE: {
    code: 'io',
    sentence: 'too many open files: raise the limit (ulimit -n) and run again',
  },
  ENFILE: {
    code: 'io',
    sentence: 'too many open files: raise the limit (ulimit -n) and run again',
  },
  ENOTDIR: { code: 'io', sentence: 'a path in the output is a file where a folder is needed' },
  EISDIR: { code: 'io', sentence: 'a path in the output is a folder where a file is needed' },
  // The pool's own code (deid-pool.ts): its threads die before they start.
  ETHREADS: {
    code: 'io',
    sentence: 'the worker threads could not start: run again with --workers 0',
  },
};

/** A Node file-system error as a failure; null for anything that is not one (a bug). */
export function nodeIoFailure(e: unknown): IoFailure | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? (CODES[code] ?? null) : null;
}

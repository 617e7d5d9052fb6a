// The node a batch runs under. V8 sizes its pool of background threads (one per core) for
// throughput, and fixes it when node starts; their stacks and heaps are a batch's RSS: 1,000
// domains peaked at 146-148 MB under node's defaults, 141-144 MB under `--v8-pool-size=1`, in the
// same time (issue 7; the README's Speed section has the figures). The young generation keeps
// node's 16 MB semi-spaces: a smaller one (`--max-semi-space-size=4`, used before) promoted every
// object a DNS round trip keeps alive (135 MB of a 1,000-domain run, 520 ms of collection, against
// 78 MB and 440 ms), and heap.ts's bound holds the RSS instead.
// A batch cannot ask the node that runs it for these flags (npx, a shell or CI starts it, and V8
// ignores them once running), so the CLI replaces its process by node with these flags, the same
// script and the same arguments (process.execve, POSIX, node >= 22.15) before the batch reads
// anything or opens a socket. Where that is not possible (Windows), or the user chose heap or
// pool flags of their own, the batch runs as it is.

/** The flags a batch adds. */
export const BATCH_NODE_FLAGS = ['--v8-pool-size=1'] as const;

/** Set in the environment of the process a batch re-executes into (and, to anything, to keep a batch in its first process). */
export const REEXEC_ENV = 'FWDCHECK_BATCH_REEXEC';

/** Flags that, given by the user (in NODE_OPTIONS or to node), are kept as they are: no re-exec. */
const USER_CHOSEN = /--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor|v8-pool-size|max-old-space-size|max-young-generation-size|optimize-for-size)\b/;

export interface ProcessFacts {
  execPath: string;
  execArgv: readonly string[];
  /** process.argv: node, the script, the arguments. */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** process.execve, when the platform has it. */
  canExec: boolean;
}

export type BatchRuntime =
  | { kind: 'reexec'; file: string; args: string[]; env: NodeJS.ProcessEnv }
  | { kind: 'as-is'; reason: 'reexecuted' | 'opted-out' | 'user-flags' | 'no-execve' };

/** Whether a batch re-executes, and into what (pure: main() does the exec). */
export const batchRuntime = (p: ProcessFacts): BatchRuntime => {
  const marker = p.env[REEXEC_ENV];
  if (marker === 'done') return { kind: 'as-is', reason: 'reexecuted' };
  if (marker !== undefined) return { kind: 'as-is', reason: 'opted-out' };
  if (p.execArgv.some((a) => USER_CHOSEN.test(a)) || USER_CHOSEN.test(p.env.NODE_OPTIONS ?? '')) return { kind: 'as-is', reason: 'user-flags' };
  if (!p.canExec) return { kind: 'as-is', reason: 'no-execve' };
  return {
    kind: 'reexec',
    file: p.execPath,
    // node's own arguments first (a --import preload stays), then the flags, the script and its arguments
    args: [p.execPath, ...p.execArgv, ...BATCH_NODE_FLAGS, ...p.argv.slice(1)],
    env: { ...p.env, [REEXEC_ENV]: 'done' },
  };
};

/**
 * Re-executes the process as batchRuntime says (`exec` does not return when it works); returns
 * how the batch runs when it stays in this process (a failed exec: no execve after all).
 */
export const reexecForBatch = (p: ProcessFacts, exec: (file: string, args: string[], env: NodeJS.ProcessEnv) => void): BatchRuntime => {
  const runtime = batchRuntime(p);
  if (runtime.kind !== 'reexec') return runtime;
  try {
    exec(runtime.file, runtime.args, runtime.env);
  } catch {
    // the platform has no execve after all: the batch runs here
  }
  return { kind: 'as-is', reason: 'no-execve' };
};

/** For --debug: how the batch's node was chosen. */
export const describeBatchRuntime = (r: BatchRuntime): string => {
  switch (r.kind) {
    case 'reexec':
      return `batch: node re-executed with ${BATCH_NODE_FLAGS.join(' ')}`;
    case 'as-is':
      switch (r.reason) {
        case 'reexecuted':
          return `batch: runs under ${BATCH_NODE_FLAGS.join(' ')} (re-executed)`;
        case 'opted-out':
          return `batch: runs in the first process (${REEXEC_ENV} is set)`;
        case 'user-flags':
          return 'batch: runs under the heap flags given to node';
        case 'no-execve':
          return 'batch: runs in the first process (this platform cannot re-execute it)';
      }
  }
};

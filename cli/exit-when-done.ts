// A one-shot command (publish, create, info...) is done once Node's event loop is empty;
// Node then tears its environment down before the process ends: it frees the whole heap
// and stops the hash worker's isolate: 44 ms (median of 14) from the 'exit' event to the
// process reaped after `seedcast publish` of 100 MiB at load 7, 26 ms with this exit (18
// with the worker also stopped once its job is done, hash-pool.ts stopIdleHashWorkers),
// time in which the command has nothing left to do. process.exit() then skips it: the
// 'exit' handlers still run, the exit code is kept, and no output or other work is pending,
// since the loop is empty (no write to a pipe is in flight, on any platform).
// src/swarm/webrtc/native-teardown.ts exits the same way for another reason.

/**
 * Makes the end of this process, once its event loop is empty, an explicit exit. Not when
 * something else listens for 'beforeExit' then (it may start more work): that end stays Node's.
 */
export function exitWhenDone (): void {
  process.once('beforeExit', () => {
    if (process.listenerCount('beforeExit') === 0) process.exit()
  })
}

// Whether the other cores are already taken. A one-shot command boots a hash worker to hash
// on a second core; when other work already keeps every core busy, the scheduler gives this
// process its fair share whatever its thread count (Linux divides the CPU between sessions,
// sched_autogroup, not between threads), so the worker's boot (an isolate: ~100 ms of CPU on
// a 2-core VM, about as much as Node's own start) is CPU taken from the command itself.
import { availableParallelism, loadavg } from 'node:os'

/**
 * Whether the machine is busy: its 1-minute load average is at least its core count (then
 * other work alone can keep every core running). SEEDCAST_MACHINE_BUSY=1 or 0 says so
 * instead (tests and benchmarks that need one answer). Never busy where Node reports no
 * load average (Windows: all zeros).
 */
export function machineIsBusy (): boolean {
  const told = process.env.SEEDCAST_MACHINE_BUSY
  if (told === '1' || told === '0') return told === '1'
  return loadavg()[0]! >= availableParallelism()
}

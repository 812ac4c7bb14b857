/**
 * The speed meter WebTorrent and bittorrent-protocol make with the `throughput` package
 * (`meter(bytes)` adds bytes and returns bytes per second over the last `seconds`, in
 * tenths of a second; in its first second, the bytes so far), read from a clock taken
 * once per run of JavaScript instead of on every call. A downloaded block went through
 * four or five meter calls (the wire's, the torrent's and the client's counts, the wire's
 * rate read twice for its request pipeline), each a process.hrtime() (a native call
 * returning a new array: 80-170 ns here): about 300,000 per GiB. Here a socket read's
 * blocks, parsed in one run, share one performance.now(). lean-imports.ts has `get` and
 * `seed` resolve `throughput` to this module.
 */

/** A meter over `seconds` (default 5) read from `now` (milliseconds). */
export function createSpeedMeter (seconds = 5, now: () => number = runClock): (bytes?: number) => number {
  const slots = Math.max(1, Math.round((seconds || 5) * SLOTS_PER_SECOND))
  // The running total at the end of each slot (the current one: so far), a ring.
  const totals = new Float64Array(slots)
  const start = now()
  let slot = 0
  // The slot before the first counts as held, as in `throughput`.
  let held = Math.min(2, slots)
  let total = 0
  return function meter (bytes?: number): number {
    const current = Math.floor((now() - start) / SLOT_MS)
    if (current > slot) {
      // Slots with no bytes carry the total; at most a whole window of them.
      for (let at = slot + 1, end = slot + Math.min(current - slot, slots); at <= end; at++) totals[at % slots] = total
      held = Math.min(slots, held + current - slot)
      slot = current
    }
    if (bytes) total += bytes
    totals[slot % slots] = total
    if (held < SLOTS_PER_SECOND) return total
    const oldest = held < slots ? 0 : totals[(slot + 1) % slots]!
    return (total - oldest) * SLOTS_PER_SECOND / held
  }
}

const SLOTS_PER_SECOND = 10
const SLOT_MS = 1000 / SLOTS_PER_SECOND

let taken = -1
const forget = (): void => { taken = -1 }

/** performance.now(), taken once per run of JavaScript (forgotten at its next microtask checkpoint). */
function runClock (): number {
  if (taken < 0) {
    taken = performance.now()
    queueMicrotask(forget)
  }
  return taken
}

/** What `throughput` exports: `throughput(seconds)` makes a meter. */
export default function throughput (seconds?: number): (bytes?: number) => number {
  return createSpeedMeter(seconds)
}

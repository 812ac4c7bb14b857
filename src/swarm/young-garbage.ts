import { PerformanceObserver } from 'node:perf_hooks'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

type Collect = (options: { type: 'minor' | 'major', execution: 'sync', flavor?: 'regular' | 'last-resort' }) => void

let collect: Collect | null | undefined

/** V8's `gc`, exposed in a context of its own (the global scope is left alone); null where this Node cannot give it. */
function collector (): Collect | null {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      const gc = runInNewContext('gc') as unknown
      collect = typeof gc === 'function' ? gc as Collect : null
    } catch {
      collect = null
    }
  }
  return collect
}

/**
 * Node reads a socket into a fresh 64 KiB ArrayBuffer each time, freed only when V8
 * collects its young generation, which V8 does by how much JavaScript allocates, not by
 * these buffers: a download parses its reads at once, but between two scavenges tens of
 * MiB of dead reads piled up in malloc's heap ([heap] of smaps grew 36 -> 75 MiB over a
 * 1 GiB download; collected every 8 MiB received it stayed at 28 MiB). A minor GC of a
 * young generation of dead reads takes well under a millisecond. The collector is V8's
 * `gc` (exposed in a context of its own, the global scope is left alone); where this Node
 * cannot give it, nothing is collected early.
 */
export function collectYoungGarbage (): boolean {
  const gc = collector()
  if (!gc) return false
  gc({ type: 'minor', execution: 'sync' })
  return true
}

const newSpaceBytes = (): number => getHeapSpaceStatistics().find(space => space.space_name === 'new_space')?.space_size ?? 0

/**
 * For a process about to run for long (a seeder), once its modules are loaded: bounds
 * V8's young generation to `maxBytes` (new space as V8 reports it). Loading some 700
 * modules keeps most of what each scavenge finds alive, and V8 answers a high survival
 * rate by growing the young generation: to 16 MiB in some runs and its 32 MiB maximum in
 * others (which, decided by when scavenges fall, swung the seeder's RSS by 15-30 MiB from
 * run to run), and --semi-space-growth-factor=1 does not act on that growth. A last-resort
 * collection (memory-reducing: it shrinks the young generation to 1 MiB) drops it, then
 * V8 grows it again by its own rule as the work needs, and growth stops (that flag, which
 * does act there) once it reaches `maxBytes`. A young generation held at 1 MiB instead
 * made 250-330 scavenges per GiB a seeder sends and slowed hashing 1,000 torrents. False,
 * nothing done, where `gc` is not available.
 */
export function boundYoungGeneration (maxBytes: number): boolean {
  const gc = collector()
  if (!gc) return false
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' })
  setFlagsFromString('--semi-space-growth-factor=2')
  const stopAt = () => {
    if (newSpaceBytes() < maxBytes) return false
    setFlagsFromString('--semi-space-growth-factor=1')
    return true
  }
  if (stopAt()) return true
  const observer = new PerformanceObserver(() => { if (stopAt()) observer.disconnect() })
  observer.observe({ entryTypes: ['gc'] })
  return true
}

import { setFlagsFromString } from 'node:v8'
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

/**
 * For a process that has started and will now run for long (a seeder): collects what
 * start-up left (module loading, reading every .torrent and resume record) and gives V8's
 * young generation back. Loading some 700 modules keeps most of what each scavenge finds
 * alive, and V8 answers a high survival rate by growing the young generation, here to its
 * 32 MiB maximum (--semi-space-growth-factor=1, even given on the command line, did not
 * stop it on Node 24); V8 shrinks it again only in a memory-reducing collection, which
 * its memory reducer runs after many seconds of quiet, so a seeder that got peers at once
 * served them with 32 MiB of young generation (seed bench: idle RSS 118 MiB, peak 141). A
 * last-resort collection is memory-reducing: the young generation restarts at 1 MiB and
 * grows again only as far as seeding's own garbage (short-lived blocks) needs (idle 92,
 * peak 108-111). Tens of ms, once. False, nothing done, where `gc` is not available.
 */
export function releaseStartupGarbage (): boolean {
  const gc = collector()
  if (!gc) return false
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' })
  return true
}

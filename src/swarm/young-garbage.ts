import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

type Collect = (options: { type: 'minor', execution: 'sync' }) => void

let collect: Collect | null | undefined

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
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      const gc = runInNewContext('gc') as unknown
      collect = typeof gc === 'function' ? gc as Collect : null
    } catch {
      collect = null
    }
  }
  if (!collect) return false
  collect({ type: 'minor', execution: 'sync' })
  return true
}

import { setFlagsFromString } from 'node:v8'

/**
 * Keeps V8 from recompiling WebAssembly with its optimising compiler in this process.
 *
 * Every HTTP request a swarm process makes (tracker announces, web seeds, feed polls) goes
 * through Node's fetch, whose HTTP parser (llhttp) is WebAssembly. After a few requests V8
 * recompiles it with TurboFan in background threads, and that compile's memory (about
 * 20 MiB) stays in the process's peak RSS: measured 86 -> 67 MiB peak for 40 fetches of a
 * tracker's answer, and it was the peak of a whole 1 GiB `get` (at its final announce).
 * A long-lived seeder or follower announces and polls for days, so it reaches that
 * tier-up for sure. The baseline (Liftoff) code parses a tracker's answer or a feed's
 * headers as well; nothing of seedcast's own runs as WebAssembly.
 */
export function keepWebAssemblyUnoptimised (): void {
  setFlagsFromString(`--wasm-tiering-budget=${2 ** 31 - 1}`)
}

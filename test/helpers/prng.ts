/**
 * A seeded pseudo-random generator (mulberry32) for tests that pick random values (kill
 * delays): the seed comes from SEEDCAST_TEST_SEED or the clock, and the test prints it on
 * failure, so a failing run can be replayed exactly with SEEDCAST_TEST_SEED=<seed>.
 */
export function seededRandom (seed = Number(process.env.SEEDCAST_TEST_SEED ?? Date.now() % 2 ** 32)): { seed: number, next: () => number, int: (below: number) => number } {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { seed, next, int: below => Math.floor(next() * below) }
}

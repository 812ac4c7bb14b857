import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real peers and servers; two cores, so two files at a time.
    maxWorkers: 2,
    pool: 'forks',
    // The hashers of create and publish take a path of their own on a busy machine
    // (src/torrent/busy-machine.ts): the tests pin the usual one, whatever the load of the
    // machine running them, and ask for the other where they test it.
    env: { SEEDCAST_MACHINE_BUSY: '0' }
  }
})

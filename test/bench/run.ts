// `npm run bench [-- name...]`: runs every test/bench/*.bench.ts (or those whose name
// contains one of the arguments) one after another, each in its own Node process so
// peak RSS figures are per benchmark. Each prints its own table of ratios.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const filters = process.argv.slice(2)
const benches = readdirSync(dir)
  .filter(name => name.endsWith('.bench.ts'))
  .filter(name => filters.length === 0 || filters.some(filter => name.includes(filter)))
  .sort()

let failed = 0
for (const name of benches) {
  console.log(`\n## ${name.replace('.bench.ts', '')}`)
  const run = spawnSync(process.execPath, [dir + name], { stdio: 'inherit' })
  if (run.status !== 0) { failed++; console.log(`(${name} failed with exit ${run.status})`) }
}
process.exit(failed ? 1 : 0)

// Writes oclif.manifest.json from the compiled commands, so the CLI starts without
// importing every command file. `--check` compares instead of writing (used by a test).
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Plugin } from '@oclif/core'

const root = fileURLToPath(new URL('..', import.meta.url))
const target = new URL('../oclif.manifest.json', import.meta.url)

export async function buildManifest () {
  const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true })
  await plugin.load()
  // oclif fills `commands` in the order the command modules finish loading, which varies
  // on a busy machine: sort it, so the same commands always give the same bytes.
  const commands = Object.fromEntries(Object.entries(plugin.manifest.commands).sort(([a], [b]) => a.localeCompare(b)))
  return JSON.stringify({ ...plugin.manifest, commands }, null, 2) + '\n'
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const fresh = await buildManifest()
  if (process.argv.includes('--check')) {
    const committed = await readFile(target, 'utf8').catch(() => '')
    if (committed !== fresh) {
      const [a, b] = [committed.split('\n'), fresh.split('\n')]
      const line = a.findIndex((text, index) => text !== b[index])
      console.error(`oclif.manifest.json is stale (line ${line + 1}: ${JSON.stringify(a[line])} vs fresh ${JSON.stringify(b[line])}): run \`npm run build\` and commit it`)
      process.exit(1)
    }
  } else {
    await writeFile(target, fresh)
  }
}

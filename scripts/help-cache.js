// Renders the help pages `seedcast <command> --help`, `seedcast <topic>` and `seedcast --help`
// print to a pipe (80 columns, no colour) into dist/help-cache.json, through the same fast
// start that renders them live, so the CLI can print them without loading oclif's Help
// (cli/help-cache.ts). Run by `npm run build` after the manifest.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Before oclif and supports-color are loaded: they read these once, at import.
process.env.OCLIF_COLUMNS = '80'
process.env.FORCE_COLOR = '0'
delete process.env.NO_COLOR

const root = fileURLToPath(new URL('..', import.meta.url))
const { fastStart } = await import('../dist/cli/fast-start.js')
const { HELP_CACHE_FILE, HELP_SOURCE_FILE, helpCacheKey, helpSource } = await import('../dist/cli/help-cache.js')

const packageText = await readFile(join(root, 'package.json'), 'utf8')
const manifestText = await readFile(join(root, 'oclif.manifest.json'), 'utf8')
const pjson = JSON.parse(packageText)
const manifest = JSON.parse(manifestText)
const separator = pjson.oclif.topicSeparator ?? ':'
const words = id => id.split(':').join(separator).split(' ')

const forms = [[], ['--help']]
const topics = new Set()
for (const command of Object.values(manifest.commands)) {
  forms.push([...words(command.id), '--help'])
  const parts = command.id.split(':')
  for (let length = 1; length < parts.length; length++) topics.add(parts.slice(0, length).join(':'))
}
for (const topic of topics) forms.push(words(topic), [...words(topic), '--help'])

/** What fastStart writes on stdout for argv, or undefined when it leaves argv to oclif. */
async function render (argv) {
  let text = ''
  const write = process.stdout.write
  process.stdout.write = chunk => { text += chunk; return true }
  try {
    return await fastStart(argv, root, { cache: false }) ? text : undefined
  } finally {
    process.stdout.write = write
  }
}

const pages = {}
for (const argv of forms) {
  const page = await render(argv)
  if (page !== undefined) pages[helpCacheKey(argv)] = page
}
await writeFile(join(root, HELP_CACHE_FILE), JSON.stringify({ pages }))
await writeFile(join(root, HELP_SOURCE_FILE), helpSource(packageText, manifestText))

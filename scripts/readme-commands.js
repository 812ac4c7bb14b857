// Prints the README's command reference from oclif.manifest.json, so the README says
// what `--help` says: `node scripts/readme-commands.js > /tmp/commands.md`.
import { readFileSync } from 'node:fs'

const manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8'))
// In the order a podcaster meets them; commands not listed here follow, alphabetically.
const order = ['init', 'import', 'show', 'show:edit', 'publish', 'episodes:list', 'episodes:show', 'episodes:edit', 'episodes:remove', 'feed:build', 'feed:lint',
  'serve', 'seed', 'get', 'peers', 'create', 'info', 'magnet', 'verify', 'demo']
const rank = (id) => order.includes(id) ? order.indexOf(id) : order.length
const commands = Object.values(manifest.commands).sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id))
const out = []

for (const command of commands) {
  const name = command.id.replaceAll(':', ' ')
  const args = Object.values(command.args ?? {}).map(arg => arg.required ? `<${arg.name}>` : `[${arg.name}]`)
  out.push(`### \`seedcast ${[name, ...args].join(' ')}\``, '', command.summary ?? '', '')
  const flags = Object.values(command.flags ?? {}).filter(flag => !flag.hidden && flag.name !== 'json')
  if (flags.length > 0) {
    out.push('| flag | meaning |', '|---|---|')
    for (const flag of flags) {
      const spelled = [flag.char ? `-${flag.char}` : '', `--${flag.allowNo ? `[no-]${flag.name}` : flag.name}`].filter(Boolean).join(', ')
      const value = flag.type === 'option' ? ` <${flag.helpValue ?? 'value'}>` : ''
      const repeat = flag.multiple && !/repeat/i.test(flag.summary ?? flag.description ?? '') ? ' (repeatable)' : ''
      out.push(`| \`${spelled}${value}\` | ${(flag.summary ?? flag.description ?? '').replaceAll('\n', ' ').replaceAll('|', '\\|')}${repeat} |`)
    }
    out.push('')
  }
  const examples = (command.examples ?? []).map(example => typeof example === 'string' ? example : example.command)
  if (examples.length > 0) {
    out.push('```sh', ...examples.map(example => example.replaceAll('<%= config.bin %>', 'seedcast').replace(/^\$ /, '')), '```', '')
  }
}
process.stdout.write(out.join('\n'))

// A writer process for the feed race test: publishes, edits and removes episodes of a show
// in a loop (through the built library, as `seedcast publish|episodes edit|remove` do),
// so every feed is replaced by rename over and over while the test reads them. Stops when
// its stdin closes, or after 150 s whatever happens. Prints one JSON line per round.
// Usage: node test/helpers/feed-churn.ts <show-dir> <media-file>
import { pathToFileURL } from 'node:url'

const [showDir, media] = process.argv.slice(2) as [string, string]
const library = await import(pathToFileURL(new URL('../../dist/src/index.js', import.meta.url).pathname).href) as typeof import('../../src/index.js')
let stop = false
process.stdin.on('end', () => { stop = true }).resume()
setTimeout(() => { stop = true }, 150_000).unref()

for (let round = 0; !stop; round++) {
  const published = await library.publish(showDir, media, { title: `Churn ${round}`, date: '2026-11-20T09:00:00Z' })
  const slug = published.episode.slug
  for (let edit = 0; edit < 5 && !stop; edit++) {
    await library.editEpisode(showDir, slug, { title: `Churn ${round} edit ${edit} ${'x'.repeat(edit * 50)}`, description: `round ${round} edit ${edit}` })
  }
  await library.removeEpisode(showDir, slug)
  process.stdout.write(JSON.stringify({ round }) + '\n')
}

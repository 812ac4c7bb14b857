// `episodes list` and `episodes show` only read the catalog: they load its reader and schema,
// not the feed build, the site, media probing, torrent hashing or the show lock that editing
// and publishing need (src/show/episode-list.ts apart from src/show/episodes.ts). A feed
// repair, when a killed writer left one to do, loads the build then (publish-episodes.test.ts).
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { withBundledModules } from '../helpers/bundles.js'
import { runProcess, binPath } from '../helpers/cli.js'
import { withTemp } from '../helpers/tmp.js'
import { sampleEpisode } from './feed-lint-show.js'
import { tempShow } from './publish-helpers.js'

/** Loaded first (--import): prints every module the process loads, as its last line on stderr. */
const recorder = `import { registerHooks } from 'node:module'
const loaded = []
registerHooks({ load (url, context, next) { loaded.push(url); return next(url, context) } })
process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(loaded) + '\\n'))
`

const NOT_FOR_READING = /\/dist\/src\/(show\/(feeds|publish|episodes|episode-extras|lock)\.js|site\/|media\/|torrent\/(create|hash))|feedsmith|music-metadata|uuid|proper-lockfile/

describe('reading the catalog from the CLI', () => {
  it('lists and shows episodes without loading what editing needs', () => withTemp(tempShow(), async show => {
    const hook = join(show.path, 'recorder.mjs')
    await writeFile(hook, recorder)
    await writeFile(join(show.show, 'episodes.json'), JSON.stringify({ version: 1, episodes: [sampleEpisode(1), sampleEpisode(2)] }, null, 2))
    for (const args of [['episodes', 'list', '--show', show.show], ['episodes', 'show', 'episode-1', '--show', show.show]]) {
      const result = await runProcess(process.execPath, ['--import', hook, binPath, ...args])
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toContain('episode-1')
      // The CLI runs these commands from its bundles (dist/bundle): the modules bundled count as loaded.
      const loaded = withBundledModules(JSON.parse(result.stderr.trim().split('\n').at(-1)!.replace(/^LOADED /, '')) as string[])
      expect(loaded.some(url => url.endsWith('/dist/src/show/episode-list.js')), args.join(' ')).toBe(true)
      expect(loaded.filter(url => NOT_FOR_READING.test(url)), args.join(' ')).toEqual([])
    }
  }))
})

import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/cli.js'

// The lint rule of eslint.config.js that keeps dependencies pointing one way, tried on
// imports written here (not on the tree, which `npm run lint` checks).
const eslint = new ESLint({ cwd: repoRoot })

async function restricted (file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source + '\n', { filePath: `${repoRoot}/${file}` })
  return result!.messages.filter(message => message.ruleId === 'no-restricted-imports').map(message => message.message)
}

describe('layering lint rule', () => {
  it.each([
    ['src/feed/rss.ts', "import type { LoadedShow } from '../show/load.js'"],
    ['src/feed/lint/cover.ts', "import { loadShow } from '../../show/load.js'"],
    ['src/media/probe.ts', "import { renderFeeds } from '../feed/render.js'"],
    ['src/torrent/create.ts', "import { seedTorrents } from '../swarm/seed/seeder.js'"],
    ['src/model/show.ts', "import type { TorrentInfo } from '../torrent/inspect.js'"],
    ['src/show/publish.ts', "import { Seeder } from '../swarm/seed/seeder.js'"],
    ['src/swarm/seed/seeder.ts', "import { SeedcastCommand } from '../../../cli/base-command.js'"],
    ['src/show/init.ts', "import { Flags } from '@oclif/core'"],
    ['src/swarm/peers.ts', "import Fastify from 'fastify'"],
    ['src/errors.ts', "import type { Episode } from './model/show.js'"]
  ])('refuses in %s: %s', async (file, source) => {
    expect(await restricted(file, source)).toHaveLength(1)
  })

  it.each([
    ['src/feed/rss.ts', "import type { ShowConfig } from '../model/show.js'"],
    ['src/feed/urls.ts', "import { magnetURI } from '../torrent/magnet.js'"],
    ['src/show/publish.ts', "import { renderFeeds } from '../feed/render.js'"],
    ['src/swarm/seed/inputs.ts', "import { loadShow } from '../../show/load.js'"],
    ['src/server/create-server.ts', "import Fastify from 'fastify'"]
  ])('allows in %s: %s', async (file, source) => {
    expect(await restricted(file, source)).toEqual([])
  })
})

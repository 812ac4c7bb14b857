// Titles in scripts without a Latin spelling in @sindresorhus/transliterate (Japanese,
// Chinese, Korean...) got the slugs `episode`, `episode-2`...: now readable ones (any-ascii),
// through the CLI as users run it (the bundled publish). A slug once given never changes.
import { afterEach, describe, expect, it } from 'vitest'
import { runCliJson } from '../helpers/cli.ts'
import { exists, fixture, tempShow } from './publish-helpers.ts'
import { join } from 'node:path'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0)) await cleanup() })

describe('slugs of non-Latin titles', () => {
  it('are spelled readably, numbered when taken, and kept when the title changes', async () => {
    const tmp = await tempShow()
    cleanups.push(tmp.cleanup)
    const publish = async (media: string, title: string) => {
      const { result, json } = await runCliJson<{ episode: { slug: string, mediaPath: string } }>(['publish', fixture(media), '--show', tmp.show, '--title', title, '--json'])
      expect(result.code, result.stderr).toBe(0)
      return json.episode
    }
    const first = await publish('episode.mp3', 'こんにちは世界')
    expect(first.slug).toBe('konnichiha-shi-jie')
    expect(await exists(join(tmp.show, 'public', 'media', 'konnichiha-shi-jie.mp3'))).toBe(true)
    expect((await publish('episode-2.mp3', 'こんにちは世界')).slug).toBe('konnichiha-shi-jie-2')
    expect((await publish('video.webm', '안녕하세요')).slug).toBe('an-nyeong-ha-se-yo')
    const edited = await runCliJson<{ episode: { slug: string } }>(['episodes', 'edit', first.slug, '--show', tmp.show, '--title', '你好世界', '--json'])
    expect(edited.result.code, edited.result.stderr).toBe(0)
    expect(edited.json.episode.slug).toBe('konnichiha-shi-jie')
  }, 120_000)
})

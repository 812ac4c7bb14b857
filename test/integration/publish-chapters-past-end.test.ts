// An MP3 whose ID3 tag keeps chapters past the end of its audio (trimmed in an editor that kept
// the tag): those chapters were published as they were, listed on the episode page and written
// to chapters.json with an end before their start, which the Podcasting 2.0 chapters format
// forbids (a chapters file given with --chapters is refused for it). They are now left out,
// and publish says so.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, runProcess } from '../helpers/cli.js'
import { tempShow } from './publish-helpers.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0)) await cleanup() })

describe('publish with chapters in the media file past its end', () => {
  it('leaves them out of chapters.json and the episode page, with a note naming each', async () => {
    const tmp = await tempShow()
    cleanups.push(tmp.cleanup)
    const plain = join(tmp.path, 'tone.mp3')
    const tagged = join(tmp.path, 'trimmed.mp3')
    const metadata = join(tmp.path, 'chapters.txt')
    // 6 s of audio; chapters at 0 s, 3 s and 9 s (past the end), written as ID3v2.3 CHAP frames.
    expect((await runProcess('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=6', '-ac', '1', '-b:a', '64k', plain])).code).toBe(0)
    const chapter = (start: number, end: number, title: string) => `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${start}\nEND=${end}\ntitle=${title}\n`
    await writeFile(metadata, `;FFMETADATA1\n${chapter(0, 3000, 'Intro')}${chapter(3000, 6000, 'Middle')}${chapter(9000, 12000, 'Cut away')}`)
    expect((await runProcess('ffmpeg', ['-v', 'error', '-y', '-i', plain, '-i', metadata, '-map', '0', '-map_metadata', '1', '-map_chapters', '1', '-c', 'copy', '-id3v2_version', '3', tagged])).code).toBe(0)

    const result = await runCli(['publish', tagged, '--show', tmp.show, '--title', 'Trimmed'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Note: the file\'s chapter "Cut away" starts at 0:09, past the end of the media (0:06): left out')

    const json = JSON.parse(await readFile(join(tmp.show, 'public', 'chapters', 'trimmed.json'), 'utf8')) as { chapters: Array<{ startTime: number, endTime?: number, title: string }> }
    expect(json.chapters.map(({ title, startTime }) => [title, startTime])).toEqual([['Intro', 0], ['Middle', 3]])
    for (const { startTime, endTime } of json.chapters) expect(endTime).toBeGreaterThan(startTime)
    const page = await readFile(join(tmp.show, 'public', 'episodes', 'trimmed', 'index.html'), 'utf8')
    expect(page).toContain('Middle')
    expect(page).not.toContain('Cut away')
  })
})

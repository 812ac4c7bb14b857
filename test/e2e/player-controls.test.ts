import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../helpers/chromium.ts'
import { ffmpegSeekByte, mp4Packets } from '../helpers/mp4-packets.ts'
import { expectEpisodeBytes, openPlayer, play, stats, waitForTime } from './player-page.ts'
import { makePlayerShow, serveShow, type Cleanups, type PlayerShow, type PublishedEpisode } from './player-site.ts'
import { closedWithTest, testListenerContext } from './test-context.ts'

// The player's controls on the real episode pages (src/site, served by `seedcast serve`, no
// seeder): video through the player, chapters, the remembered position, playback speed, the
// transcript, and the controls' names, keyboard use and focus ring.
// Real Chromium and servers on two shared cores: each test is bounded at 3 min.

const TRANSCRIPT = `WEBVTT

00:00:00.000 --> 00:00:04.000
<v Ann>Welcome to the tone &amp; nothing else.

00:00:04.000 --> 00:00:09.000
It rises, and it falls.
`

const media = (page: Page) => page.locator('[data-seedcast-player]')
const currentTime = (page: Page) => media(page).evaluate(element => (element as HTMLMediaElement).currentTime)

/** The piece holding the audio at `seconds` (CBR: bytes in proportion to time). */
const pieceAt = ({ episode }: PublishedEpisode, seconds: number) => Math.floor(seconds / episode.duration * episode.length / episode.pieceLength)


describe('player controls on the show\'s own pages', { timeout: 180_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser
  let show: PlayerShow
  let withChapters: PublishedEpisode
  let plainAudio: PublishedEpisode
  let video: PublishedEpisode
  let webm: PublishedEpisode

  beforeAll(async () => {
    show = await makePlayerShow([
      { seconds: 60, title: 'Chaptered tone', chapters: ['00:00:00 Opening', '00:00:30 Middle', '00:00:45 Closing'], transcript: TRANSCRIPT },
      { seconds: 30, title: 'Short tone' },
      { seconds: 30, title: 'Test card', video: true },
      { seconds: 30, title: 'Test card in WebM', video: 'webm' }
    ], cleanups)
    ;[withChapters, plainAudio, video, webm] = show.episodes as [PublishedEpisode, PublishedEpisode, PublishedEpisode, PublishedEpisode]
    await serveShow(show, false, cleanups)
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 150_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  /** Opens a video episode's page in a listener context closed with the running test, the player ready in one <video>, and plays it to `seconds`. */
  async function playVideo (episode: PublishedEpisode, seconds: number) {
    const context = await testListenerContext(browser, show.origin)
    const page = await context.newPage()
    expect(await openPlayer(page, episode.pageUrl)).toBe('ready')
    expect(await page.locator('video[data-seedcast-player]').count()).toBe(1)
    await play(page)
    await waitForTime(page, seconds)
    return page
  }

  /** The video streams through the player at the test card's size, over HTTP (no seeder), no piece rejected. */
  async function expectVideoStreaming (page: Page) {
    expect(await page.locator('.sc-player').getAttribute('data-seedcast-state')).toBe('streaming')
    const size = await page.locator('video').evaluate(element => [(element as HTMLVideoElement).videoWidth, (element as HTMLVideoElement).videoHeight])
    expect(size).toEqual([320, 180])
    const s = await stats(page)
    expect(s.fromHttp).toBeGreaterThan(0)
    expect(s.rejected).toBe(0)
  }

  it('plays a video episode in <video> through the player, every delivered piece the episode\'s', async () => {
    const page = await playVideo(video, 1)
    await expectVideoStreaming(page)
    expect(await expectEpisodeBytes(page, video)).toContain(0)
  })

  it('seeks a video to 80 %: the read at the key frame before it starts when the element starts seeking, and it plays on from there', async () => {
    const context = await testListenerContext(browser, show.origin)
    const page = await context.newPage()
    await openPlayer(page, video.pageUrl)
    await play(page)
    await waitForTime(page, 0.5)
    const target = video.episode.duration * 0.8
    await media(page).evaluate((element, t) => { (element as HTMLMediaElement).currentTime = t }, target)
    const reached = await waitForTime(page, target + 0.5)
    expect(reached).toBeGreaterThan(target + 0.5)
    // Where FFmpeg (Chromium's demuxer) reads from after that seek: the key frame at or before
    // it (x264 puts one every 10 s), past half the file. The player began its read there (32 KiB
    // early, as Chromium asks from a 32 KiB-aligned offset) at the 'seeking' event, before the
    // element's request came; a guess from time as for audio would miss it (bytes are not time).
    const seekByte = ffmpegSeekByte(await mp4Packets(join(show.dir, 'public', video.episode.mediaPath)), target)
    expect(seekByte).toBeGreaterThan(video.episode.length / 2)
    const expectedPiece = Math.floor((seekByte - 32 * 1024) / video.episode.pieceLength)
    const seekReads = await page.evaluate(() => (window as any).seedcast.players[0].debug().seekReads() as number[])
    expect(seekReads).toEqual([expectedPiece])
    const delivered = await expectEpisodeBytes(page, video)
    expect(delivered).toContain(Math.floor(seekByte / video.episode.pieceLength))
  })

  it('plays a WebM (VP9/Opus) video in <video> through the player and seeks it to 80 %, every delivered piece the episode\'s', async () => {
    expect(webm.episode.mimeType).toBe('video/webm')
    const page = await playVideo(webm, 0.5)
    const target = webm.episode.duration * 0.8
    await media(page).evaluate((element, t) => { (element as HTMLMediaElement).currentTime = t }, target)
    expect(await waitForTime(page, target + 0.5)).toBeGreaterThan(target + 0.5)
    await expectVideoStreaming(page)
    // No index is read for WebM: the element's own request after the seek (from the Cues, at
    // the key frame before the target) started the read, answered by the player with the
    // episode's bytes around 80 % of the file.
    const delivered = await expectEpisodeBytes(page, webm)
    const { length, pieceLength } = webm.episode
    expect(delivered.some(index => index * pieceLength > length * 0.65 && index * pieceLength < length * 0.9)).toBe(true)
  })

  it('shows the transcript\'s text on the episode page, cue by cue without timings or markup', async () => {
    const context = closedWithTest(await browser.newContext({ javaScriptEnabled: false }))
    const page = await context.newPage()
    await page.goto(withChapters.pageUrl)
    const transcript = page.getByRole('region', { name: 'Transcript' })
    expect(await transcript.locator('p').allTextContents()).toEqual(['Welcome to the tone & nothing else.', 'It rises, and it falls.'])
    expect(await transcript.textContent()).not.toContain('-->')
    // An episode without one has no such section.
    await page.goto(plainAudio.pageUrl)
    expect(await page.getByRole('region', { name: 'Transcript' }).count()).toBe(0)
  })

  it('seeks to a chapter when its link is clicked or pressed with Enter, and plays on from there', async () => {
    const context = await testListenerContext(browser, show.origin)
    const page = await context.newPage()
    await openPlayer(page, withChapters.pageUrl)
    const chapters = page.locator('.chapters a[data-seek]')
    expect(await chapters.allTextContents()).toEqual(['0:00 Opening', '0:30 Middle', '0:45 Closing'])
    await chapters.nth(1).click()
    // The click played the episode from the chapter (no #t= navigation).
    expect(await waitForTime(page, 31)).toBeGreaterThan(31)
    expect(new URL(page.url()).hash).toBe('')
    expect(await expectEpisodeBytes(page, withChapters)).toContain(pieceAt(withChapters, 31))
    await chapters.nth(2).focus()
    await page.keyboard.press('Enter')
    expect(await waitForTime(page, 46)).toBeGreaterThan(46)
    expect(await expectEpisodeBytes(page, withChapters)).toContain(pieceAt(withChapters, 46))
  })

  it('remembers the position per episode: a reload resumes there, another episode starts at 0', async () => {
    const context = await testListenerContext(browser, show.origin)
    const page = await context.newPage()
    await openPlayer(page, withChapters.pageUrl)
    await page.locator('.chapters a[data-seek="30"]').click()
    await waitForTime(page, 33)
    await media(page).evaluate(element => (element as HTMLMediaElement).pause())
    const left = await currentTime(page)

    await page.reload()
    await page.locator('.sc-player[data-seedcast-state]').waitFor({ state: 'attached', timeout: 20_000 })
    expect(await page.locator('.sc-resume').textContent()).toBe(`Resumes at 0:${Math.floor(left)}`)
    await play(page)
    // It goes on from where the listener left, not from the start.
    const resumed = await waitForTime(page, Math.floor(left) + 1)
    expect(resumed).toBeGreaterThan(Math.floor(left) + 1)
    expect(await expectEpisodeBytes(page, withChapters)).toContain(pieceAt(withChapters, Math.floor(left) + 1))

    // The other episode has its own position: none yet.
    await openPlayer(page, plainAudio.pageUrl)
    expect(await page.locator('.sc-resume').textContent()).toBe('')
    expect(await currentTime(page)).toBe(0)
    await play(page)
    expect(await waitForTime(page, 0.2)).toBeLessThan(left)
  })

  it('changes the playback speed with its control, and remembers it', async () => {
    const context = await testListenerContext(browser, show.origin)
    const page = await context.newPage()
    await openPlayer(page, plainAudio.pageUrl)
    const speed = page.getByRole('combobox', { name: 'Playback speed of Short tone' })
    expect(await speed.inputValue()).toBe('1')
    await speed.selectOption('2')
    expect(await media(page).evaluate(element => (element as HTMLMediaElement).playbackRate)).toBe(2)
    await media(page).evaluate(element => (element as HTMLMediaElement).play())
    await waitForTime(page, 1)
    // Still 2x once playing (play() keeps the element's rate), and after a reload.
    expect(await media(page).evaluate(element => (element as HTMLMediaElement).playbackRate)).toBe(2)
    await page.reload()
    await page.locator('.sc-player[data-seedcast-state]').waitFor({ state: 'attached', timeout: 20_000 })
    expect(await speed.inputValue()).toBe('2')
    expect(await media(page).evaluate(element => [(element as HTMLMediaElement).playbackRate, (element as HTMLMediaElement).defaultPlaybackRate])).toEqual([2, 2])
  })

  it('on the show page, shows an episode\'s panel once that episode plays, not under every episode', async () => {
    const context = await testListenerContext(browser, show.origin)
    const page = await context.newPage()
    await page.goto(`${show.origin}/`)
    const players = page.locator('.sc-player')
    await players.first().and(page.locator('[data-seedcast-state]')).waitFor({ state: 'attached', timeout: 20_000 })
    expect(await players.count()).toBe(show.episodes.length)
    expect(await page.locator('.sc-panel').count()).toBe(show.episodes.length)
    expect(await page.locator('.sc-panel:visible').count()).toBe(0)
    // The player of "Short tone" plays: its panel (status, speed, share switch) appears, alone.
    const short = players.filter({ has: page.locator('[data-title="Short tone"]') })
    await short.locator('audio').evaluate(element => (element as HTMLMediaElement).play())
    await short.locator('.sc-panel').waitFor({ state: 'visible', timeout: 10_000 })
    expect(await page.locator('.sc-panel:visible').count()).toBe(1)
    expect(await short.getByRole('combobox', { name: 'Playback speed of Short tone' }).isVisible()).toBe(true)
  })

  it('on the show page, plays one episode at a time: starting another pauses the one playing, which keeps its place', async () => {
    const context = await testListenerContext(browser, show.origin)
    const page = await context.newPage()
    await page.goto(`${show.origin}/`)
    const players = page.locator('.sc-player')
    await players.first().and(page.locator('[data-seedcast-state]')).waitFor({ state: 'attached', timeout: 20_000 })
    const audio = (title: string) => players.locator(`audio[data-title="${title}"]`)
    const paused = (title: string) => audio(title).evaluate(element => (element as HTMLMediaElement).paused)
    const timeOf = (title: string) => audio(title).evaluate(element => (element as HTMLMediaElement).currentTime)
    await audio('Short tone').evaluate(element => (element as HTMLMediaElement).play())
    await page.waitForFunction(() => document.querySelector<HTMLMediaElement>('audio[data-title="Short tone"]')!.currentTime > 1, undefined, { timeout: 30_000, polling: 50 })
    await audio('Chaptered tone').evaluate(element => (element as HTMLMediaElement).play())
    await page.waitForFunction(() => document.querySelector<HTMLMediaElement>('audio[data-title="Chaptered tone"]')!.currentTime > 1, undefined, { timeout: 30_000, polling: 50 })
    expect(await paused('Short tone')).toBe(true)
    expect(await paused('Chaptered tone')).toBe(false)
    const kept = await timeOf('Short tone')
    expect(kept).toBeGreaterThan(1)
    // Back to the first: it goes on from where it was paused, and the other one pauses.
    await audio('Short tone').evaluate(element => (element as HTMLMediaElement).play())
    await page.waitForFunction(t => document.querySelector<HTMLMediaElement>('audio[data-title="Short tone"]')!.currentTime > t + 0.5, kept, { timeout: 30_000, polling: 50 })
    expect(await paused('Chaptered tone')).toBe(true)
  })

  it('shows and remembers a speed chosen with the element\'s own menu, the show page\'s only speed control before play', async () => {
    const context = await testListenerContext(browser, show.origin)
    const page = await context.newPage()
    await page.goto(`${show.origin}/`)
    const short = page.locator('.sc-player').filter({ has: page.locator('[data-title="Short tone"]') })
    await short.and(page.locator('[data-seedcast-state]')).waitFor({ state: 'attached', timeout: 20_000 })
    // Chromium's menu sets the element's playbackRate, as this does.
    await short.locator('audio').evaluate(element => { (element as HTMLMediaElement).playbackRate = 1.5 })
    await short.locator('audio').evaluate(element => (element as HTMLMediaElement).play())
    await short.locator('.sc-panel').waitFor({ state: 'visible', timeout: 10_000 })
    const speed = short.getByRole('combobox', { name: 'Playback speed of Short tone' })
    expect(await speed.inputValue()).toBe('1.5')
    // Remembered: the episode page opened next starts at 1.5x, its control saying so.
    await openPlayer(page, plainAudio.pageUrl)
    expect(await page.getByRole('combobox', { name: 'Playback speed of Short tone' }).inputValue()).toBe('1.5')
    expect(await media(page).evaluate(element => (element as HTMLMediaElement).defaultPlaybackRate)).toBe(1.5)
  })

  it('names every control, works from the keyboard alone and shows where the focus is', async () => {
    const context = await testListenerContext(browser, show.origin)
    const page = await context.newPage()
    await openPlayer(page, withChapters.pageUrl)
    // Names as assistive technology reads them (Chromium's accessibility tree).
    await page.getByRole('status').filter({ hasText: 'Plays from other listeners' }).waitFor({ timeout: 5_000 })
    const share = page.getByRole('switch', { name: 'Share with other listeners while this page is open' })
    const speed = page.getByRole('combobox', { name: 'Playback speed of Chaptered tone' })
    expect(await share.isChecked()).toBe(true)
    expect(await speed.isVisible()).toBe(true)

    // Tab through the page: each control of the player is reached, each with a visible ring.
    const reached: string[] = []
    for (let step = 0; step < 30 && !reached.includes('switch'); step++) {
      await page.keyboard.press('Tab')
      const focus = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement
        const ringed = /^(AUDIO|VIDEO)$/.test(element.tagName) ? element.parentElement! : element
        const style = getComputedStyle(ringed)
        return { role: element.getAttribute('role') ?? element.tagName.toLowerCase(), outline: `${style.outlineStyle} ${style.outlineWidth}`, inPanel: Boolean(element.closest('.sc-panel, .sc-player')) }
      })
      if (focus.inPanel) {
        if (reached.at(-1) !== focus.role) reached.push(focus.role)
        expect(focus.outline, `focus on ${focus.role} is invisible`).toMatch(/^(solid|auto) (?!0px)/)
      }
    }
    expect(reached).toEqual(['audio', 'select', 'switch'])

    // Space turns sharing off; the speed follows the arrow keys.
    await page.keyboard.press('Space')
    expect(await share.isChecked()).toBe(false)
    await speed.focus()
    await page.keyboard.press('ArrowDown')
    expect(await speed.inputValue()).toBe('1.25')
    expect(await media(page).evaluate(element => (element as HTMLMediaElement).playbackRate)).toBe(1.25)

    // A chapter, reached by keyboard, plays the episode; the panel then says it does not share.
    await page.locator('.chapters a[data-seek="45"]').focus()
    await page.keyboard.press('Enter')
    await waitForTime(page, 46)
    await page.locator('.sc-stats').filter({ hasText: 'not sharing' }).waitFor({ timeout: 10_000 })
    expect((await stats(page)).fromPeers).toBe(0)
  })
})

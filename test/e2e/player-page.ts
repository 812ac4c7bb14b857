// Driving the player in a page: waiting for its state, playing, reading its counters.
import type { BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'

export interface PlayerStats {
  pieces: number
  held: number
  delivered: number
  rejected: number
  rejectedFromPeers: number
  fromPeers: number
  fromHttp: number
  peers: number
  listeners: number
  uploaded: number
  uploadSpeed: number
  sharing: boolean
  lookups: number
  storeBytes: number
  storePeakBytes: number
  storeMaxBytes: number
  evicted: number
}

/** Opens the episode page and waits until the player has enhanced it (state `ready` or `plain`). */
export async function openPlayer (page: Page, url: string): Promise<string> {
  await page.goto(url)
  const wrapper = page.locator('.sc-player')
  await wrapper.and(page.locator('[data-seedcast-state]')).waitFor({ state: 'attached', timeout: 20_000 })
  return (await wrapper.getAttribute('data-seedcast-state'))!
}

export async function play (page: Page, rate = 1): Promise<void> {
  await page.evaluate(async playbackRate => {
    const media = document.querySelector<HTMLMediaElement>('[data-seedcast-player]')!
    media.playbackRate = playbackRate
    await media.play()
  }, rate)
}

/** Waits until the element's currentTime passes `seconds` (bounded by `ms`). */
export async function waitForTime (page: Page, seconds: number, ms = 30_000): Promise<number> {
  await page.waitForFunction(target => (document.querySelector<HTMLMediaElement>('[data-seedcast-player]')?.currentTime ?? 0) > target, seconds, { timeout: ms, polling: 50 })
  return page.evaluate(() => document.querySelector<HTMLMediaElement>('[data-seedcast-player]')!.currentTime)
}

/**
 * Opens `url` in `context` with the player's in-memory store bounded to `maxBytes`, plays
 * at 8x and waits until 90 % of the episode's `duration` has played (bounded by `ms`).
 */
export async function playBounded (context: BrowserContext, url: string, maxBytes: number, duration: number, ms: number): Promise<Page> {
  await context.addInitScript(max => { (window as any).seedcastMaxStoreBytes = max }, maxBytes)
  const page = await context.newPage()
  await openPlayer(page, url)
  await play(page, 8)
  await waitForTime(page, duration * 0.9, ms)
  return page
}

export function stats (page: Page): Promise<PlayerStats> {
  return page.evaluate(() => (window as any).seedcast.players[0].debug().stats as PlayerStats)
}

/** The bytes of every piece the player handed to the element and still holds (a bounded store evicts), by piece index. */
export function deliveredPieces (page: Page): Promise<Array<{ index: number, bytes: number[] }>> {
  return page.evaluate(() => {
    const debug = (window as any).seedcast.players[0].debug()
    return (debug.delivered() as number[]).map(index => ({ index, bytes: debug.piece(index) as number[] | undefined }))
      .filter((piece): piece is { index: number, bytes: number[] } => piece.bytes !== undefined)
  })
}

/** Waits until the player holds every piece of the episode (bounded by `ms`). */
export async function waitForAllPieces (page: Page, ms = 60_000): Promise<void> {
  await page.waitForFunction(() => {
    const s = (window as any).seedcast.players[0].debug().stats
    return s && s.pieces > 0 && s.held === s.pieces
  }, undefined, { timeout: ms, polling: 100 })
}

/** The player's share switch, by its role and name. */
export function shareSwitch (page: Page) {
  return page.getByRole('switch', { name: 'Share with other listeners while this page is open' })
}

/** Asserts that every piece the player handed to the element is the episode's, byte for byte; returns their indices. */
export async function expectEpisodeBytes (page: Page, { episode, media }: { episode: { pieceLength: number }, media: Buffer }): Promise<number[]> {
  const pieces = await deliveredPieces(page)
  expect(pieces.length).toBeGreaterThan(0)
  for (const { index, bytes } of pieces) {
    const start = index * episode.pieceLength
    expect(Buffer.from(bytes).equals(media.subarray(start, start + bytes.length)), `piece ${index}`).toBe(true)
  }
  return pieces.map(piece => piece.index)
}

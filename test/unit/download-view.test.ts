import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { barView, formatEta } from '../../cli/download-view.js'

/** A terminal-like stream whose output is kept. */
function fakeTerminal () {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true })
  let text = ''
  stream.on('data', chunk => { text += String(chunk) })
  return { stream, text: () => text }
}

const progress = (downloaded: number, etaSeconds: number | null) =>
  ({ event: 'progress', downloaded, total: 1000, received: downloaded, speed: etaSeconds === null ? 0 : 10, peers: 1, etaSeconds }) as const

describe('get\'s progress bar', () => {
  it('shows the ETA as unknown until a rate is measured, then remaining / rate', () => {
    const terminal = fakeTerminal()
    const view = barView(terminal.stream)
    view.onEvent({ event: 'metadata', infoHash: 'a'.repeat(40), name: 'ep1.mp3', length: 1000, pieceLength: 100, pieces: 10, files: [], selectedBytes: 1000 })
    view.onEvent(progress(100, null))
    expect(terminal.text()).toContain('10% | 100 B/1000 B')
    expect(terminal.text()).toMatch(/ETA --/)
    expect(terminal.text()).not.toMatch(/ETA 0/)
    view.onEvent(progress(200, 80))
    view.stop()
    expect(terminal.text()).toContain('ETA 1m20s')
  })

  it('formats ETAs', () => {
    expect([null, 0, 59, 75, 3600, 3725].map(formatEta)).toEqual(['--', '0s', '59s', '1m15s', '1h0m', '1h2m'])
  })
})

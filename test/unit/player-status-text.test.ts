import { describe, expect, it } from 'vitest'
import { mediaErrorStatus, STREAMING, streamingStatus } from '../../web/player/status-text.ts'

// The player's status when the server does not send the episode (test/e2e/player-missing-media
// drives the no-peer case in Chromium): it said "Streaming" over a silent player.

describe('player status text', () => {
  it('says the server failed, and whether peers carry the episode meanwhile', () => {
    expect(streamingStatus(undefined, 0)).toBe(STREAMING)
    expect(streamingStatus(undefined, 3)).toBe(STREAMING)
    expect(streamingStatus('HTTP 404', 0)).toBe('The server did not send this episode (HTTP 404) and no other listener has it right now: still trying both.')
    expect(streamingStatus('HTTP 500', 2)).toBe('Streaming from other listeners only: the server did not send this episode (HTTP 500).')
  })

  it('words each of the element\'s own errors as one line', () => {
    expect(mediaErrorStatus(2)).toMatch(/network failed/)
    expect(mediaErrorStatus(3)).toMatch(/could not be decoded/)
    expect(mediaErrorStatus(4)).toMatch(/did not send a playable file/)
    expect(mediaErrorStatus(undefined)).toMatch(/did not send a playable file/)
  })
})

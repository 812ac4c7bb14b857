/*
 * The player's status line while it streams, and when the element itself gives up. The
 * status is a live region: it changes only when what the listener should know changes.
 */

export const STREAMING = 'Streaming: from other listeners when they have it, from the server otherwise.'

/**
 * While streaming: the usual line, unless the server's last answer for the media was no
 * bytes (`failure`, e.g. "HTTP 404": the episode was removed, or the host is down). Without
 * peers nothing plays then, and a listener facing a silent player must be told why (a plain
 * element would show its error at once); the player keeps trying both meanwhile.
 */
export function streamingStatus (failure: string | undefined, peers: number): string {
  if (!failure) return STREAMING
  return peers > 0
    ? `Streaming from other listeners only: the server did not send this episode (${failure}).`
    : `The server did not send this episode (${failure}) and no other listener has it right now: still trying both.`
}

/** The element's own error (MediaError code), as one line. */
export function mediaErrorStatus (code: number | undefined): string {
  switch (code) {
    case 1: return 'Playback was stopped before the episode loaded.'
    case 2: return 'This episode could not be played: the network failed while loading it.'
    case 3: return 'This episode could not be played: its file could not be decoded.'
    default: return 'This episode could not be played: the server did not send a playable file (it may have been removed).'
  }
}

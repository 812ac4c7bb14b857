import { formatTime } from './format.js'

const KEY_PREFIX = 'seedcast:position:'
const SAVE_EVERY_MS = 5_000
/** Positions this close to either end are not worth resuming. */
const EDGE_SECONDS = 10

/**
 * Remembers where the listener was in each episode (localStorage, keyed by infohash or slug)
 * and resumes there; a finished episode starts over.
 */
export function rememberPosition (media: HTMLMediaElement, episodeKey: string, note: HTMLElement): void {
  const key = KEY_PREFIX + episodeKey
  const saved = Number(readStorage(key))
  if (saved > EDGE_SECONDS) {
    // Before metadata this sets the default playback start position.
    media.currentTime = saved
    note.textContent = `Resumes at ${formatTime(saved)}`
  }
  let lastSave = 0
  media.addEventListener('timeupdate', () => {
    const now = performance.now()
    if (now - lastSave < SAVE_EVERY_MS) return
    lastSave = now
    save(key, media)
  })
  media.addEventListener('pause', () => save(key, media))
  media.addEventListener('ended', () => { writeStorage(key, null); note.textContent = '' })
  media.addEventListener('playing', () => { note.textContent = '' }, { once: true })
}

function save (key: string, media: HTMLMediaElement): void {
  const nearEnd = Number.isFinite(media.duration) && media.duration - media.currentTime < EDGE_SECONDS
  writeStorage(key, media.currentTime > EDGE_SECONDS && !nearEnd ? String(Math.floor(media.currentTime)) : null)
}

// Storage may be disabled (private modes, blocked cookies): remembering is then skipped.
function readStorage (key: string): string | null {
  try { return localStorage.getItem(key) } catch { return null }
}
function writeStorage (key: string, value: string | null): void {
  try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value) } catch { /* not remembered */ }
}

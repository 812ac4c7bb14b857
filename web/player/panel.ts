import type { EngineStats } from './engine.js'
import { statsText } from './stats-line.js'

/** The rates of Chromium's own playback-speed menu, so a choice made there has its line here too. */
const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]
const SPEED_KEY = 'seedcast:speed'
let nextId = 0

export interface Panel {
  root: HTMLElement
  status: HTMLElement
  resume: HTMLElement
  stats: HTMLElement
  share: HTMLInputElement
  showStats: (stats: EngineStats) => void
}

/** The player's controls under the plain element: status, counters, speed, the share switch. */
export function buildPanel (media: HTMLMediaElement, title: string): Panel {
  const id = `sc-${nextId++}`
  const root = document.createElement('div')
  root.className = 'sc-panel'

  const status = document.createElement('p')
  status.className = 'sc-status'
  status.setAttribute('role', 'status')

  const resume = document.createElement('p')
  resume.className = 'sc-resume'

  const stats = document.createElement('p')
  stats.className = 'sc-stats'
  stats.hidden = true

  const controls = document.createElement('div')
  controls.className = 'sc-controls'

  const speedLabel = document.createElement('label')
  speedLabel.htmlFor = `${id}-speed`
  speedLabel.textContent = 'Speed'
  const speed = document.createElement('select')
  speed.id = `${id}-speed`
  speed.setAttribute('aria-label', `Playback speed of ${title}`)
  for (const value of SPEEDS) speed.add(new Option(`${value}×`, String(value)))
  const savedSpeed = Number(readSpeed())
  speed.value = SPEEDS.includes(savedSpeed) ? String(savedSpeed) : '1'
  media.playbackRate = Number(speed.value)
  media.defaultPlaybackRate = Number(speed.value)
  speed.addEventListener('change', () => {
    media.playbackRate = Number(speed.value)
    media.defaultPlaybackRate = Number(speed.value)
    writeSpeed(speed.value)
  })
  // A rate set with the element's own menu (the only speed control on the show page before
  // play shows this panel) is shown and remembered as if chosen here; rates that are not
  // a listener's choice (a script playing at 4x, say) change neither.
  media.addEventListener('ratechange', () => {
    const rate = media.playbackRate
    if (!SPEEDS.includes(rate) || String(rate) === speed.value) return
    speed.value = String(rate)
    media.defaultPlaybackRate = rate
    writeSpeed(speed.value)
  })

  const shareLabel = document.createElement('label')
  shareLabel.className = 'sc-share'
  const share = document.createElement('input')
  share.type = 'checkbox'
  share.setAttribute('role', 'switch')
  share.checked = true
  share.id = `${id}-share`
  shareLabel.append(share, ' Share with other listeners while this page is open')

  controls.append(speedLabel, speed, shareLabel)
  root.append(status, resume, stats, controls)

  return {
    root,
    status,
    resume,
    stats,
    share,
    showStats (s) {
      stats.hidden = false
      stats.textContent = statsText(s)
    }
  }
}

function readSpeed (): string | null {
  try { return localStorage.getItem(SPEED_KEY) } catch { return null }
}
function writeSpeed (value: string): void {
  try { localStorage.setItem(SPEED_KEY, value) } catch { /* not remembered */ }
}

import { formatTime } from './format.js'

interface ChapterJson { startTime?: unknown, title?: unknown, toc?: unknown }

/**
 * Makes the episode's chapters clickable: the pre-rendered `<a data-seek>` links of the page
 * when there are some (they work without JS as #t= links), else a list built from the
 * podcast:chapters JSON at `data-chapters`.
 */
export async function enhanceChapters (media: HTMLMediaElement, panel: HTMLElement, scope: ParentNode, chaptersUrl: string): Promise<void> {
  const seekTo = (seconds: number): void => {
    media.currentTime = seconds
    void media.play().catch(() => {})
  }
  const links = [...scope.querySelectorAll<HTMLAnchorElement>('a[data-seek]')]
  if (links.length) {
    for (const link of links) {
      link.addEventListener('click', event => {
        const seconds = Number(link.dataset.seek)
        if (!Number.isFinite(seconds)) return
        event.preventDefault()
        seekTo(seconds)
      })
    }
    return
  }
  if (!chaptersUrl) return
  let chapters: Array<{ start: number, title: string }>
  try {
    const response = await fetch(chaptersUrl)
    if (!response.ok) return
    const json = await response.json() as { chapters?: ChapterJson[] }
    chapters = (json.chapters ?? [])
      .filter(c => typeof c.startTime === 'number' && typeof c.title === 'string' && c.toc !== false)
      .map(c => ({ start: c.startTime as number, title: c.title as string }))
  } catch {
    return // chapters are a nicety: the episode plays without them
  }
  if (!chapters.length) return
  const list = document.createElement('ol')
  list.className = 'sc-chapters'
  list.setAttribute('aria-label', 'Chapters')
  for (const chapter of chapters) {
    const item = document.createElement('li')
    const button = document.createElement('button')
    button.type = 'button'
    button.dataset.seek = String(chapter.start)
    const time = document.createElement('span')
    time.className = 'sc-chapter-time'
    time.textContent = formatTime(chapter.start)
    button.append(time, ` ${chapter.title}`)
    button.addEventListener('click', () => seekTo(chapter.start))
    item.append(button)
    list.append(item)
  }
  panel.append(list)
}

import './dashboard.css'
import { ApiError, episodeDescription, listShows, removeEpisode, showStats, storedToken, storeToken, tokenKeptForTab, type ShowEntry } from './api.js'
import { h } from './dom.js'
import { EpisodesTable } from './episodes-table.js'
import { EditDialog, uploadForm } from './forms.js'
import { UploadChart } from './upload-chart.js'

/*
 * The seed box's dashboard, served by `seedcast serve` at /dashboard/ (never published
 * with a show). For every show: its episodes' peers and bytes by transport, the upload
 * over time, an upload form, edit and remove. Everything but the list of shows needs the
 * show's token (`seedcast token create`), entered once and kept for this tab in
 * sessionStorage; without it the API answers 401 and each show says so.
 */

const REFRESH_MS = 2_000

/** One show's part of the page. */
class ShowPanel {
  readonly element: HTMLElement
  private readonly locked: HTMLElement
  private readonly content: HTMLElement
  private readonly table: EpisodesTable
  private readonly chart: UploadChart

  constructor (readonly show: ShowEntry, private readonly dialog: EditDialog, private readonly refresh: () => void, private readonly announce: (message: string) => void) {
    const headingId = `show-${show.id.replace(/[^A-Za-z0-9_-]/g, '_')}`
    this.locked = h('div', { class: 'locked', role: 'alert', hidden: true })
    this.table = new EpisodesTable(show.title, {
      edit: episode => {
        episodeDescription(show.id, episode.slug).then(description => {
          this.dialog.open(show.id, episode, description, () => { this.announce(`Saved “${episode.title}”.`); this.refresh() })
        }, error => { this.announce(`Cannot edit “${episode.title}”: ${(error as Error).message}.`); this.refresh() })
      },
      remove: episode => {
        if (!confirm(`Remove “${episode.title}”? Its media, .torrent and page are deleted and it leaves the feeds.`)) return
        removeEpisode(show.id, episode.slug).then(() => {
          this.announce(`Removed “${episode.title}”.`)
          this.refresh()
        }, error => {
          // Removed meanwhile (another tab, the CLI): what was asked for is done.
          this.announce(error instanceof ApiError && error.status === 404 ? `“${episode.title}” was already removed.` : `Not removed: ${(error as Error).message}`)
          this.refresh()
        })
      }
    })
    this.chart = new UploadChart(show.title)
    this.content = h('div', { class: 'show-content', hidden: true },
      this.chart.element,
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `Episodes of ${show.title}` }, this.table.element),
      uploadForm(show.id, show.title, title => { this.announce(`Published “${title}”.`); this.refresh() }))
    this.element = h('section', { class: 'show', 'aria-labelledby': headingId, 'data-show': show.id },
      h('h2', { id: headingId }, show.title, ' ', h('small', {}, show.path)),
      this.locked, this.content)
  }

  async update (): Promise<void> {
    try {
      const stats = await showStats(this.show.id)
      this.locked.hidden = true
      this.content.hidden = false
      this.table.update(stats.episodes)
      this.chart.update(stats.history)
    } catch (error) {
      this.content.hidden = true
      this.locked.hidden = false
      this.locked.dataset.status = String(error instanceof ApiError ? error.status : 0)
      this.locked.textContent = error instanceof ApiError && error.status === 401
        ? `Locked (401): ${storedToken() ? 'this token is not valid for this show' : 'enter a token of this show above'}. Make one with “seedcast token create --show <folder>”.`
        : `Cannot read this show's figures: ${(error as Error).message}`
    }
  }
}

function tokenForm (onChange: () => void): HTMLElement {
  const input = h('input', { id: 'token', type: 'password', name: 'token', autocomplete: 'off', spellcheck: 'false', required: true })
  const state = h('p', { class: 'token-state', role: 'status' })
  const forget = h('button', { type: 'button' }, 'Forget token')
  const show = () => {
    const has = storedToken() !== undefined
    const kept = tokenKeptForTab() ? 'A token is set for this tab.' : 'A token is set for this page (this browser keeps no site data: a reload forgets it).'
    state.textContent = has ? kept : 'No token: the figures and writes need one.'
    forget.hidden = !has
  }
  const form = h('form', { class: 'token', 'aria-label': 'Token for the API' },
    h('label', { for: 'token' }, 'API token'), input, h('button', { type: 'submit' }, 'Use token'), forget, state)
  form.addEventListener('submit', event => {
    event.preventDefault()
    storeToken(input.value.trim())
    input.value = ''
    show()
    onChange()
  })
  forget.addEventListener('click', () => {
    storeToken(undefined)
    show()
    onChange()
    input.focus()
  })
  show()
  return form
}

async function start (): Promise<void> {
  const root = document.getElementById('dashboard')!
  const announcer = h('p', { class: 'announcer', role: 'status', 'aria-live': 'polite' })
  const announce = (message: string) => { announcer.textContent = message }
  const dialog = new EditDialog()
  const list = h('div', { class: 'shows' })
  let panels: ShowPanel[] = []
  let timer: number | undefined
  let running = false
  let again = false

  // One refresh at a time; one asked for meanwhile (after a write) runs right after it.
  const refresh = () => {
    window.clearTimeout(timer)
    if (running) { again = true; return }
    running = true
    void Promise.all(panels.map(panel => panel.update())).finally(() => {
      running = false
      if (again) { again = false; refresh(); return }
      timer = window.setTimeout(() => { if (!document.hidden) refresh() }, REFRESH_MS)
    })
  }
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh() })

  root.append(tokenForm(refresh), announcer, list, dialog.element)
  try {
    const shows = await listShows()
    panels = shows.map(show => new ShowPanel(show, dialog, refresh, announce))
    list.append(...panels.map(panel => panel.element))
    if (shows.length === 0) list.append(h('p', {}, 'This server serves no show.'))
  } catch (error) {
    list.append(h('p', { role: 'alert' }, `Cannot list the shows: ${(error as Error).message}`))
    return
  }
  refresh()
}

void start()

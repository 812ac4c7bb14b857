import type { EpisodeStats, PerTransport } from './api.js'
import { h } from './dom.js'
import { formatBytes, formatRatio, formatShare } from './format.js'

export interface RowActions {
  edit: (episode: EpisodeStats) => void
  remove: (episode: EpisodeStats) => void
}

const TRANSPORTS: Array<[keyof PerTransport, string]> = [['tcp', 'TCP'], ['utp', 'uTP'], ['webrtc', 'WebRTC']]

/** Every figure cell of a row, by its data-field name, with how to read it from the stats. */
const FIGURES: Array<{ field: string, value: (episode: EpisodeStats) => number, text: (value: number) => string }> = [
  ...TRANSPORTS.map(([key]) => ({ field: `peers-${key}`, value: (episode: EpisodeStats) => episode.peers[key], text: String })),
  { field: 'peers-webseed', value: episode => episode.http.active, text: String },
  { field: 'bytes-http', value: episode => episode.http.bytes, text: formatBytes },
  ...TRANSPORTS.map(([key]) => ({ field: `bytes-${key}`, value: (episode: EpisodeStats) => episode.peerBytes[key], text: formatBytes })),
  { field: 'ratio', value: episode => episode.ratio, text: formatRatio },
  { field: 'share', value: episode => episode.peerShare, text: formatShare }
]

/**
 * A show's episodes with their traffic: peers now by transport (web seed: HTTP downloads
 * of the media in flight), bytes sent over HTTP and to peers by transport, the seed ratio
 * and the share that went peer to peer. Each figure is a <data> element whose value is
 * the exact number (bytes, peers), its text the readable form. Rows are updated in
 * place, keyed by slug, so a refresh never takes the keyboard focus away.
 */
export class EpisodesTable {
  readonly element: HTMLTableElement
  private readonly body: HTMLTableSectionElement
  private readonly rows = new Map<string, HTMLTableRowElement>()
  /** The figures each row shows now (what Edit and Remove act on). */
  private readonly latest = new WeakMap<HTMLTableRowElement, EpisodeStats>()

  constructor (showTitle: string, private readonly actions: RowActions) {
    this.body = h('tbody')
    this.element = h('table', { class: 'episodes' },
      h('caption', {}, `Episodes of ${showTitle}`),
      h('thead', {},
        h('tr', {},
          h('th', { scope: 'col', rowspan: '2' }, 'Episode'),
          h('th', { scope: 'col', rowspan: '2' }, 'Size'),
          h('th', { scope: 'colgroup', colspan: '4' }, 'Peers now'),
          h('th', { scope: 'colgroup', colspan: '4' }, 'Sent'),
          h('th', { scope: 'col', rowspan: '2' }, h('abbr', { title: 'BitTorrent bytes sent / size' }, 'Ratio')),
          h('th', { scope: 'col', rowspan: '2' }, 'P2P share'),
          h('th', { scope: 'col', rowspan: '2' }, 'Actions')),
        h('tr', {},
          ...TRANSPORTS.map(([, label]) => h('th', { scope: 'col' }, label)),
          h('th', { scope: 'col' }, h('abbr', { title: 'HTTP downloads of the media in flight (web seeds, apps, browsers)' }, 'Web seed')),
          h('th', { scope: 'col' }, 'HTTP'),
          ...TRANSPORTS.map(([, label]) => h('th', { scope: 'col' }, label)))),
      this.body)
  }

  update (episodes: EpisodeStats[]): void {
    const wanted = new Set(episodes.map(episode => episode.slug))
    for (const [slug, row] of this.rows) {
      if (!wanted.has(slug)) { row.remove(); this.rows.delete(slug) }
    }
    let previous: HTMLTableRowElement | undefined
    for (const episode of episodes) {
      const row = this.rows.get(episode.slug) ?? this.createRow(episode)
      this.fill(row, episode)
      // Moved only when out of place: moving a node would drop the focus inside it.
      const expected: Element | null = previous ? previous.nextElementSibling : this.body.firstElementChild
      if (expected !== row) {
        if (previous) previous.after(row)
        else this.body.prepend(row)
      }
      previous = row
    }
    if (episodes.length === 0 && !this.body.querySelector('.empty')) {
      this.body.append(h('tr', { class: 'empty' }, h('td', { colspan: '15' }, 'No episodes yet: publish one below.')))
    } else if (episodes.length > 0) {
      this.body.querySelector('.empty')?.remove()
    }
  }

  private createRow (episode: EpisodeStats): HTMLTableRowElement {
    const row = h('tr', { 'data-slug': episode.slug },
      h('th', { scope: 'row' }, h('span', { class: 'title' }), ' ', h('span', { class: 'badge draft', hidden: true }, 'draft'), h('br'), h('code', { class: 'slug' }, episode.slug)),
      h('td', { 'data-field': 'size' }, h('data')),
      ...FIGURES.map(figure => h('td', { 'data-field': figure.field }, h('data'))),
      h('td', { class: 'actions' }))
    const actions = row.querySelector('.actions')!
    const edit = h('button', { type: 'button', 'aria-label': `Edit ${episode.title}` }, 'Edit')
    const remove = h('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${episode.title}` }, 'Remove')
    edit.addEventListener('click', () => this.actions.edit(this.current(row)))
    remove.addEventListener('click', () => this.actions.remove(this.current(row)))
    actions.append(edit, remove)
    this.rows.set(episode.slug, row)
    return row
  }

  private current (row: HTMLTableRowElement): EpisodeStats {
    return this.latest.get(row)!
  }

  private fill (row: HTMLTableRowElement, episode: EpisodeStats): void {
    this.latest.set(row, episode)
    row.querySelector('.title')!.textContent = episode.title
    const badge = row.querySelector<HTMLElement>('.badge.draft')!
    badge.hidden = !episode.draft
    row.classList.toggle('is-draft', episode.draft)
    const [edit, remove] = row.querySelectorAll('.actions button')
    edit?.setAttribute('aria-label', `Edit ${episode.title}`)
    remove?.setAttribute('aria-label', `Remove ${episode.title}`)
    setData(row, 'size', episode.length, formatBytes(episode.length))
    for (const figure of FIGURES) {
      const value = figure.value(episode)
      setData(row, figure.field, value, figure.text(value))
    }
  }
}

function setData (row: HTMLTableRowElement, field: string, value: number, text: string): void {
  const data = row.querySelector<HTMLDataElement>(`[data-field="${field}"] data`)!
  const exact = String(value)
  if (data.value !== exact) data.value = exact
  if (data.textContent !== text) data.textContent = text
}

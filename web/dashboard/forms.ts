import { ApiError, editEpisode, GONE, publishEpisode, type EpisodeStats } from './api.js'
import { h } from './dom.js'

let counter = 0
/** A labelled field: its label and control tied by a unique id. */
function field (label: string, control: HTMLInputElement | HTMLTextAreaElement): HTMLElement {
  control.id = `field-${++counter}`
  const wrapper = h('div', { class: control.type === 'checkbox' ? 'field check' : 'field' })
  const caption = h('label', { for: control.id }, label)
  if (control.type === 'checkbox') wrapper.append(control, caption)
  else wrapper.append(caption, control)
  return wrapper
}

function messageOf (error: unknown): string {
  return error instanceof ApiError ? `${error.message}${error.status ? ` (${error.status})` : ''}` : String(error)
}

/** A save's failure: an episode removed while its form was open is said so, not with the API's hint for CLI users. */
function saveFailure (error: unknown): string {
  return error instanceof ApiError && error.status === 404 ? `Not saved: ${GONE}.` : `Not saved: ${messageOf(error)}`
}

/**
 * The upload form of a show: the media, a title (else the file's own), a description,
 * draft or not. Publishing goes through POST /api/shows/<id>/episodes, the very same
 * publish as the CLI; progress and the outcome are announced in a live region.
 */
export function uploadForm (showId: string, showTitle: string, onPublished: (title: string) => void): HTMLFormElement {
  const file = h('input', { type: 'file', name: 'file', required: true, accept: 'audio/*,video/*' })
  const title = h('input', { type: 'text', name: 'title', autocomplete: 'off' })
  const description = h('textarea', { name: 'description', rows: '3' })
  const draft = h('input', { type: 'checkbox', name: 'draft' })
  const progress = h('progress', { max: '1', value: '0', hidden: true, 'aria-label': 'Upload progress' })
  const status = h('p', { class: 'form-status', role: 'status' })
  const submit = h('button', { type: 'submit' }, 'Publish')
  const form = h('form', { class: 'upload', 'aria-label': `Publish an episode of ${showTitle}` },
    h('h3', {}, 'Publish an episode'),
    field('Media file', file),
    field('Title (empty: the file\'s own)', title),
    field('Description', description),
    field('Save as a draft (not in the feeds)', draft),
    h('div', { class: 'buttons' }, submit, progress),
    status)
  form.addEventListener('submit', event => {
    event.preventDefault()
    const chosen = file.files?.[0]
    if (!chosen) return
    const data = new FormData()
    if (title.value.trim()) data.append('title', title.value.trim())
    if (description.value.trim()) data.append('description', description.value.trim())
    data.append('draft', draft.checked ? 'true' : 'false')
    data.append('file', chosen, chosen.name)
    submit.disabled = true
    progress.hidden = false
    progress.value = 0
    status.textContent = `Uploading ${chosen.name}…`
    publishEpisode(showId, data, fraction => {
      progress.value = fraction
      if (fraction >= 1) status.textContent = `Publishing ${chosen.name} (hashing, feeds)…`
    }).then(result => {
      status.textContent = `Published “${result.episode.title}”.`
      form.reset()
      onPublished(result.episode.title)
    }, error => {
      status.textContent = `Not published: ${messageOf(error)}`
    }).finally(() => {
      submit.disabled = false
      progress.hidden = true
    })
  })
  return form
}

/**
 * The edit dialog (one per page, a modal <dialog>: focus moves into it and Escape closes
 * it): title, description and draft of one episode, saved by PATCH.
 */
export class EditDialog {
  readonly element: HTMLDialogElement
  private readonly title = h('input', { type: 'text', name: 'title', required: true, autocomplete: 'off' })
  private readonly description = h('textarea', { name: 'description', rows: '4' })
  private readonly draft = h('input', { type: 'checkbox', name: 'draft' })
  private readonly status = h('p', { class: 'form-status', role: 'status' })
  private readonly heading = h('h2', { id: 'edit-heading' })
  private target?: { showId: string, episode: EpisodeStats, done: () => void }

  constructor () {
    const save = h('button', { type: 'submit' }, 'Save')
    const cancel = h('button', { type: 'button' }, 'Cancel')
    const form = h('form', {}, this.heading,
      field('Title', this.title), field('Description', this.description), field('Draft (not in the feeds)', this.draft),
      h('div', { class: 'buttons' }, save, cancel), this.status)
    this.element = h('dialog', { class: 'edit', 'aria-labelledby': 'edit-heading' }, form)
    cancel.addEventListener('click', () => this.element.close())
    form.addEventListener('submit', event => {
      event.preventDefault()
      const target = this.target
      if (!target) return
      const changes: { title?: string, description?: string, draft?: boolean } = {}
      if (this.title.value !== target.episode.title) changes.title = this.title.value
      if (this.description.value !== this.description.defaultValue) changes.description = this.description.value
      if (this.draft.checked !== target.episode.draft) changes.draft = this.draft.checked
      if (Object.keys(changes).length === 0) { this.element.close(); return }
      save.disabled = true
      this.status.textContent = 'Saving…'
      editEpisode(target.showId, target.episode.slug, changes).then(() => {
        this.element.close()
        target.done()
      }, error => {
        this.status.textContent = saveFailure(error)
      }).finally(() => { save.disabled = false })
    })
  }

  /** Opens the dialog for an episode; `done` is called once a change was saved. */
  open (showId: string, episode: EpisodeStats, description: string, done: () => void): void {
    this.target = { showId, episode, done }
    this.heading.textContent = `Edit “${episode.title}”`
    this.title.value = episode.title
    this.description.value = description
    this.description.defaultValue = description
    this.draft.checked = episode.draft
    this.status.textContent = ''
    this.element.showModal()
    this.title.focus()
  }
}

/*
 * The seed box's API as the dashboard uses it: the public list of shows, and with the
 * token (kept in sessionStorage: entered once per browser tab, gone when it closes) each
 * show's stats and the episode writes. The answers' shapes are the server's own (src/server/api/shapes.ts).
 */

import type { ShowStats } from '../../src/server/api/shapes.js'

export type { EpisodeStats, PerTransport, ShowStats, TrafficSample } from '../../src/server/api/shapes.js'

export interface ShowEntry { id: string, title: string, path: string, episodes: number }

/** An answer other than 2xx, with the server's one-line message. */
export class ApiError extends Error {
  constructor (readonly status: number, message: string) {
    super(message)
  }
}

const TOKEN_KEY = 'seedcast-dashboard-token'

/**
 * The token when this browser keeps no site data (storage blocked: reading sessionStorage
 * throws a SecurityError): held for this page only, so the dashboard still works until a reload.
 */
let pageToken: string | undefined

export function storedToken (): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined
  } catch {
    return pageToken
  }
}

/** Whether the token outlives a reload (this browser keeps the tab's session storage). */
export function tokenKeptForTab (): boolean {
  try {
    return sessionStorage !== undefined
  } catch {
    return false
  }
}

export function storeToken (token: string | undefined): void {
  pageToken = token || undefined
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token)
    else sessionStorage.removeItem(TOKEN_KEY)
  } catch { /* kept for this page only (pageToken) */ }
}

/** The API's root, relative to the dashboard's own URL (<server>/dashboard/ → <server>/api/). */
function apiUrl (path: string): string {
  return new URL(`../api/${path}`, document.baseURI).href
}

function authHeaders (): Record<string, string> {
  const token = storedToken()
  return token ? { authorization: `Bearer ${token}` } : {}
}

async function failure (response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`
  try {
    const body = await response.json() as { message?: string }
    if (body.message) message = body.message
  } catch { /* not JSON: keep the status line */ }
  return new ApiError(response.status, message)
}

async function call<T> (path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(apiUrl(path), { ...init, headers: { ...authHeaders(), ...(init.headers as Record<string, string> | undefined) }, cache: 'no-store' })
  if (!response.ok) throw await failure(response)
  return (response.status === 204 ? undefined : await response.json()) as T
}

export async function listShows (): Promise<ShowEntry[]> {
  return (await call<{ shows: ShowEntry[] }>('shows')).shows
}

export function showStats (id: string): Promise<ShowStats> {
  return call<ShowStats>(`shows/${encodeURIComponent(id)}/stats`)
}

export function editEpisode (id: string, slug: string, changes: { title?: string, description?: string, draft?: boolean }): Promise<unknown> {
  return call(`shows/${encodeURIComponent(id)}/episodes/${encodeURIComponent(slug)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(changes)
  })
}

export function removeEpisode (id: string, slug: string): Promise<void> {
  return call<void>(`shows/${encodeURIComponent(id)}/episodes/${encodeURIComponent(slug)}`, { method: 'DELETE' })
}

/**
 * Publishes an upload (multipart, the media in field `file`). XMLHttpRequest rather than
 * fetch: it reports the upload's progress, which matters for an hour of audio.
 */
export function publishEpisode (id: string, form: FormData, onProgress: (fraction: number) => void): Promise<{ episode: { slug: string, title: string } }> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest()
    request.open('POST', apiUrl(`shows/${encodeURIComponent(id)}/episodes`))
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value)
    request.responseType = 'json'
    request.upload.onprogress = event => { if (event.lengthComputable) onProgress(event.loaded / event.total) }
    request.onload = () => {
      const body = request.response as { message?: string, episode?: { slug: string, title: string } } | null
      if (request.status >= 200 && request.status < 300 && body?.episode) resolve(body as { episode: { slug: string, title: string } })
      else reject(new ApiError(request.status, body?.message ?? `${request.status} ${request.statusText}`))
    }
    request.onerror = () => reject(new ApiError(0, 'the upload was cut off (network error)'))
    request.send(form)
  })
}

/** What the dashboard says of an episode removed since its row was drawn (another tab, the CLI). */
export const GONE = 'it is no longer in the show (removed meanwhile)'

/**
 * An episode's description as stored (the stats leave it out), for the edit form: that one
 * episode, not the show's whole list. An episode removed since its row was drawn is an
 * ApiError 404 (GONE): an empty form would look as if its notes had been wiped.
 */
export async function episodeDescription (id: string, slug: string): Promise<string> {
  try {
    const { episode } = await call<{ episode: { description: string } }>(`shows/${encodeURIComponent(id)}/episodes/${encodeURIComponent(slug)}`)
    return episode.description
  } catch (error) {
    throw error instanceof ApiError && error.status === 404 ? new ApiError(404, GONE) : error
  }
}

/*
 * The private members of WebTorrent's browser bundle the player reaches, checked before use,
 * as src/swarm/webtorrent-internals.ts does in Node. The bundle is pinned with webtorrent in
 * package.json, but an update must never break playback or lose a fast path silently: each
 * feature lists the members it needs; when one is missing the feature stays off, the player
 * goes on the bundle's own (slower) way, and the console gets one warning naming the feature.
 * The player's diagnostics list every feature's state, and the browser tests assert that every
 * one is on with the bundle we ship.
 */

export type BundleFeature = 'web-seed pieces shared with peers' | 'WebRTC glare tie-break' | 'tracker asked again without peers'

export interface BundleFeatureStatus { feature: BundleFeature, on: boolean, missing: string[], consequence: string }

export interface Need { what: string, ok: () => boolean }

const CONSEQUENCES: Record<BundleFeature, string> = {
  'web-seed pieces shared with peers': 'pieces that came over HTTP are shared only once WebTorrent has fetched them again from peers',
  'WebRTC glare tie-break': 'two listeners joining at the same moment may drop each other and retry',
  'tracker asked again without peers': 'a listener whose first connections failed finds peers only at the tracker\'s next interval (2 min)'
}

const fn = (object: unknown, name: string): boolean => typeof (object as Record<string, unknown> | null | undefined)?.[name] === 'function'

/** What sharing the web seed's pieces needs of a ready torrent (Swarm.announce). */
export function sharingNeeds (torrent: object): Need[] {
  const t = torrent as Record<string, unknown>
  return [
    { what: 'Torrent#_markVerified', ok: () => fn(t, '_markVerified') },
    { what: 'Torrent#_checkDone', ok: () => fn(t, '_checkDone') },
    { what: 'Torrent#_update', ok: () => fn(t, '_update') },
    { what: 'Torrent#pieces', ok: () => Array.isArray(t.pieces) },
    { what: 'Torrent#bitfield.get', ok: () => fn(t.bitfield, 'get') }
  ]
}

/** What asking the tracker again needs of a ready torrent (Swarm's lookups): its tracker client's update(). */
export function trackerUpdateNeeds (torrent: object): Need[] {
  const tracker = (torrent as { discovery?: { tracker?: unknown } }).discovery?.tracker
  return [{ what: 'Torrent#discovery.tracker.update', ok: () => fn(tracker, 'update') }]
}

/** What the tie-break needs of a torrent just added (src/swarm/webrtc/glare-patch.ts patchTorrent). */
export function glareTorrentNeeds (torrent: object): Need[] {
  const t = torrent as Record<string, unknown>
  return [
    { what: 'Torrent#_addPeer', ok: () => fn(t, '_addPeer') },
    { what: 'Torrent#removePeer', ok: () => fn(t, 'removePeer') },
    { what: 'Torrent#_peers (a Map)', ok: () => t._peers instanceof Map }
  ]
}

/** The WebSocket trackers of a torrent whose discovery has started, and what the tie-break needs of them (patchWebSocketTracker). */
export function webSocketTrackers (torrent: object): { trackers: object[], needs: Need[] } {
  const list = (torrent as { discovery?: { tracker?: { _trackers?: unknown } } }).discovery?.tracker?._trackers
  const trackers = Array.isArray(list) ? list.filter((tracker): tracker is object => typeof tracker === 'object' && tracker !== null && 'socket' in tracker) : []
  return {
    trackers,
    needs: [
      { what: 'Torrent#discovery.tracker._trackers', ok: () => Array.isArray(list) },
      ...trackers.map(tracker => ({ what: 'WebSocketTracker#_onAnnounceResponse, #_createPeer', ok: () => fn(tracker, '_onAnnounceResponse') && fn(tracker, '_createPeer') }))
    ]
  }
}

/**
 * The features' states in this page. `check` evaluates needs (a throwing check counts as
 * missing) and records the result; a feature checked twice (at add and at ready) is on only
 * if both checks passed. One console warning per feature that is off.
 */
export class BundleInternals {
  private readonly states = new Map<BundleFeature, BundleFeatureStatus>()

  constructor (private readonly warn: (line: string) => void = line => console.warn(line)) {}

  check (feature: BundleFeature, needs: Need[]): boolean {
    const missing = needs.filter(need => !safely(need.ok)).map(need => need.what)
    const previous = this.states.get(feature)
    const all = [...new Set([...(previous?.missing ?? []), ...missing])]
    const status: BundleFeatureStatus = { feature, on: all.length === 0, missing: all, consequence: CONSEQUENCES[feature] }
    this.states.set(feature, status)
    if (!status.on && (previous?.on ?? true)) {
      this.warn(`seedcast: ${feature} is off (${all.join(', ')} ${all.length === 1 ? 'is' : 'are'} missing in this WebTorrent bundle; ${status.consequence})`)
    }
    return status.on
  }

  on (feature: BundleFeature): boolean { return this.states.get(feature)?.on ?? false }

  statuses (): BundleFeatureStatus[] { return [...this.states.values()] }
}

function safely (ok: () => boolean): boolean {
  try {
    return ok()
  } catch {
    return false
  }
}

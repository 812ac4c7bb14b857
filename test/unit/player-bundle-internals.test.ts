import { describe, expect, it } from 'vitest'
import { BundleInternals, glareTorrentNeeds, sharingNeeds, webSocketTrackers } from '../../web/player/bundle-internals.ts'

// The player's guard on WebTorrent's browser bundle, against stand-ins shaped like a torrent of
// the bundle (the browser tests check the real bundle: every feature on, no warning).

const noop = (): void => {}
/** A ready torrent as the player reaches it, with one WebSocket tracker. */
function standInTorrent () {
  return {
    _markVerified: noop,
    _checkDone: noop,
    _update: noop,
    pieces: [null, null],
    bitfield: { get: () => false },
    _addPeer: noop,
    removePeer: noop,
    _peers: new Map(),
    discovery: { tracker: { _trackers: [{ socket: null, peers: {}, _onAnnounceResponse: noop, _createPeer: noop }] } }
  }
}

describe('the player\'s checks of the WebTorrent bundle', () => {
  it('turns on every feature whose members are all there, without a word', () => {
    const warnings: string[] = []
    const internals = new BundleInternals(line => warnings.push(line))
    const torrent = standInTorrent()
    expect(internals.check('WebRTC glare tie-break', glareTorrentNeeds(torrent))).toBe(true)
    expect(internals.check('web-seed pieces shared with peers', sharingNeeds(torrent))).toBe(true)
    const { trackers, needs } = webSocketTrackers(torrent)
    expect(trackers).toHaveLength(1)
    expect(internals.check('WebRTC glare tie-break', needs)).toBe(true)
    expect(internals.statuses().map(status => [status.feature, status.on])).toEqual([['WebRTC glare tie-break', true], ['web-seed pieces shared with peers', true]])
    expect(warnings).toEqual([])
  })

  it('keeps a feature off when a member is missing, and says so once, naming the feature and the member', () => {
    const warnings: string[] = []
    const internals = new BundleInternals(line => warnings.push(line))
    const { _markVerified, ...torrent } = standInTorrent()
    expect(typeof _markVerified).toBe('function')
    expect(internals.check('web-seed pieces shared with peers', sharingNeeds(torrent))).toBe(false)
    expect(internals.on('web-seed pieces shared with peers')).toBe(false)
    // A second torrent in the same page: still off, no second line.
    expect(internals.check('web-seed pieces shared with peers', sharingNeeds(torrent))).toBe(false)
    expect(warnings).toEqual(['seedcast: web-seed pieces shared with peers is off (Torrent#_markVerified is missing in this WebTorrent bundle; pieces that came over HTTP are shared only once WebTorrent has fetched them again from peers)'])
  })

  it('turns the tie-break off when the tracker lacks what was there at add time, and counts a throwing check as missing', () => {
    const warnings: string[] = []
    const internals = new BundleInternals(line => warnings.push(line))
    const torrent = standInTorrent()
    expect(internals.check('WebRTC glare tie-break', glareTorrentNeeds(torrent))).toBe(true)
    const broken = { ...torrent, discovery: { tracker: { _trackers: [{ socket: null, _onAnnounceResponse: noop }] } } }
    expect(internals.check('WebRTC glare tie-break', webSocketTrackers(broken).needs)).toBe(false)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^seedcast: WebRTC glare tie-break is off \(WebSocketTracker#_onAnnounceResponse, #_createPeer is missing/)

    const throwing = new BundleInternals(line => warnings.push(line))
    const hostile = { ...torrent, get pieces (): never { throw new Error('gone') } }
    expect(throwing.check('web-seed pieces shared with peers', sharingNeeds(hostile))).toBe(false)
    expect(throwing.statuses()[0]!.missing).toEqual(['Torrent#pieces'])
  })
})

import { describe, expect, it } from 'vitest'
import { listenersOf } from '../../web/player/listeners.ts'
import { statsText, type StatsLineView } from '../../web/player/stats-line.ts'

// The player's status line (issue 9): it showed "upload 200 B/s" beside "0 listeners", the
// speed being the torrent's (a listener that had just finished or left still counted in its
// window) and the listeners only the interested wires.

const wire = (peerInterested: boolean, speed: number) => ({ peerInterested, uploadSpeed: () => speed })

const base: StatsLineView = { rejected: 0, rejectedFromPeers: 0, fromPeers: 1_200_000, fromHttp: 300_000, peers: 2, listeners: 0, uploadSpeed: 0, sharing: true }

describe('player status line', () => {
  it('counts as listeners the peers that want pieces or were just sent some, and the speed to them alone', () => {
    expect(listenersOf([])).toEqual({ listeners: 0, uploadSpeed: 0 })
    // The seed box (never interested, sent nothing) is a peer, not a listener.
    expect(listenersOf([wire(false, 0)])).toEqual({ listeners: 0, uploadSpeed: 0 })
    // A listener that just sent "not interested" is still being uploaded to in the window: counted.
    expect(listenersOf([wire(false, 0), wire(false, 3_200), wire(true, 0), wire(true, 800)])).toEqual({ listeners: 3, uploadSpeed: 4_000 })
  })

  it('never shows an upload speed beside no listener', () => {
    expect(statsText(base)).toBe('2 peers · 1.2\u00a0MB from peers, 300\u00a0kB from the server · sharing, no listener right now')
    const { listeners, uploadSpeed } = listenersOf([wire(true, 3_200)])
    expect(statsText({ ...base, listeners, uploadSpeed })).toBe('2 peers · 1.2\u00a0MB from peers, 300\u00a0kB from the server · sharing with 1 listener at 3.2\u00a0kB/s')
    expect(statsText({ ...base, sharing: false, rejected: 1, peers: 1 })).toBe('1 peer · 1.2\u00a0MB from peers, 300\u00a0kB from the server · not sharing · 1 bad piece from the server discarded')
    expect(statsText({ ...base, rejected: 2, rejectedFromPeers: 3 })).toBe('2 peers · 1.2\u00a0MB from peers, 300\u00a0kB from the server · sharing, no listener right now · 2 bad pieces from the server discarded · 3 bad pieces from peers discarded')
    // Whatever the wires say, the line agrees with itself.
    for (const wires of [[wire(false, 0)], [wire(true, 0)], [wire(false, 10)], [wire(true, 10), wire(false, 0)]]) {
      const view = listenersOf(wires)
      const text = statsText({ ...base, ...view })
      expect(text.includes('/s')).toBe(view.listeners > 0)
    }
  })
})

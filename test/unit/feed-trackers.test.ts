import { describe, expect, it } from 'vitest'
import { selfTrackerUrls, showTrackers } from '../../src/feed/trackers.js'
import { normaliseTracker } from '../../src/show/validate.js'

describe('the self tracker', () => {
  it('is <base>announce over http(s) and ws(s), below the base URL path', () => {
    expect(selfTrackerUrls('http://localhost:8080/')).toEqual({ http: 'http://localhost:8080/announce', ws: 'ws://localhost:8080/announce' })
    expect(selfTrackerUrls('https://example.org/field%20notes/')).toEqual({ http: 'https://example.org/field%20notes/announce', ws: 'wss://example.org/field%20notes/announce' })
  })

  it('expands in place, keeps the other trackers in order and drops duplicates', () => {
    const show = { baseUrl: 'https://example.org/show/', trackers: ['udp://t.example.org:6969/announce', 'self', 'https://example.org/show/announce'] }
    expect(showTrackers(show)).toEqual(['udp://t.example.org:6969/announce', 'https://example.org/show/announce', 'wss://example.org/show/announce'])
    expect(showTrackers({ baseUrl: 'https://example.org/', trackers: [] })).toEqual([])
  })

  it('is accepted by init in any case, and other words are still refused', () => {
    expect(normaliseTracker('self')).toBe('self')
    expect(normaliseTracker(' SELF ')).toBe('self')
    expect(() => normaliseTracker('myself')).toThrow(/`trackers`: "myself" is not a tracker URL/)
  })
})

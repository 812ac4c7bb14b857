import { describe, expect, it } from 'vitest'
import { followLine } from '../../cli/follow-view.js'
import type { FollowEvent } from '../../src/follow/events.js'

const pass = (feeds: number, downloaded = 0, dropped = 0): FollowEvent =>
  ({ event: 'pass', feeds, requests: feeds, feedBytes: 0, downloaded, failed: 0, dropped, receivedBytes: 0, failures: [], feedErrors: [] })

describe('follow run\'s text lines', () => {
  it('writes nothing for a pass of a running follower that polled no feed (its wake-up once a minute)', () => {
    expect(followLine(pass(0))).toBeUndefined()
  })

  it('writes a pass that polled feeds or changed the library, and every pass of --once', () => {
    expect(followLine(pass(2))).toBe('2 feed(s) polled, 0 new episode(s), 0 failed, 0 dropped')
    expect(followLine(pass(0, 0, 3))).toBe('0 feed(s) polled, 0 new episode(s), 0 failed, 3 dropped')
    expect(followLine(pass(0), { once: true })).toBe('0 feed(s) polled, 0 new episode(s), 0 failed, 0 dropped')
  })
})

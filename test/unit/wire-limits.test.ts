import { describe, expect, it } from 'vitest'
import { BanList, describeMessage, ipOfAddress, largestMessage, MAX_BLOCK, messageBounds } from '../../src/swarm/wire-limits.js'

describe('wire message limits', () => {
  it('bounds each message type by what it may legally be', () => {
    expect(messageBounds(0)).toEqual({ min: 1, max: 1 })
    expect(messageBounds(4)).toEqual({ min: 5, max: 5 })
    expect(messageBounds(6)).toEqual({ min: 13, max: 13 })
    expect(messageBounds(9)).toEqual({ min: 3, max: 3 })
    expect(messageBounds(7)).toEqual({ min: 9, max: 9 + 128 * 1024 })
    // A bitfield: one bit per piece, rounded up to bytes, plus the id.
    expect(messageBounds(5, 18)).toEqual({ min: 1, max: 4 })
    expect(messageBounds(5, 16)).toEqual({ min: 1, max: 3 })
    expect(messageBounds(20).max).toBe(2 + 1024 * 1024)
    expect(messageBounds(99).max).toBeLessThan(32 * 1024)
    expect(largestMessage()).toBe(Math.max(9 + MAX_BLOCK, 2 + 1024 * 1024, 1024 * 1024 + 1))
    expect(largestMessage()).toBeLessThan(1024 * 1024 * 1024)
  })

  it('names messages for the ban line', () => {
    expect(describeMessage(7)).toBe('a piece message')
    expect(describeMessage(42)).toBe('a message of unknown type 42')
    expect(describeMessage(undefined)).toBe('a message')
  })

  it('bans an IP (any port, IPv4-mapped or not) until the ban runs out', () => {
    let now = 1_000
    const bans = new BanList(() => now)
    bans.ban(ipOfAddress('127.0.0.2:51413'), 60_000)
    expect(bans.has('127.0.0.2')).toBe(true)
    expect(bans.has('::ffff:127.0.0.2')).toBe(true)
    expect(bans.has(ipOfAddress('127.0.0.2:6881'))).toBe(true)
    expect(bans.has('127.0.0.1')).toBe(false)
    expect(bans.has(undefined)).toBe(false)
    bans.ban(ipOfAddress('[::1]:6881'), 60_000)
    expect(bans.has('::1')).toBe(true)
    now += 60_001
    expect(bans.has('127.0.0.2')).toBe(false)
    expect(bans.size).toBe(1)
  })
})

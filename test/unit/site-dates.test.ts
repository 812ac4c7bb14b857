// The pages' dates written by hand for English (src/site/format.ts) against Intl's own, as the
// running Node's ICU writes them: every day of three centuries, both ends of each UTC day and
// dates given with an offset, and the first and last day of every month of the years 1000 to
// 9999. Other languages and years go to Intl.
import { describe, expect, it } from 'vitest'
import { dateWords } from '../../src/site/format.js'

const DAY = 86_400_000

function intlWords (language: string, date: Date): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(date)
}

describe('dates on the pages', () => {
  for (const language of ['en', 'en-US']) {
    it(`writes ${language} dates as Intl does`, () => {
      const intl = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' })
      const mismatches: string[] = []
      const check = (iso: string) => {
        const want = intl.format(new Date(iso))
        if (dateWords(iso, language) !== want) mismatches.push(`${iso}: ${dateWords(iso, language)} != ${want}`)
      }
      for (let time = Date.UTC(1900, 0, 1); time <= Date.UTC(2200, 11, 31); time += DAY) {
        const day = new Date(time).toISOString().slice(0, 10)
        check(`${day}T00:00:00Z`)
        check(`${day}T23:59:59.999Z`)
        check(`${day}T01:30:00+14:00`)
        check(`${day}T22:30:00-12:00`)
      }
      for (let year = 1000; year <= 9999; year++) {
        for (let month = 0; month < 12; month++) {
          check(new Date(Date.UTC(year, month, 1)).toISOString())
          check(new Date(Date.UTC(year, month + 1, 0, 23, 59, 59)).toISOString())
        }
      }
      expect(mismatches.slice(0, 5)).toEqual([])
    })
  }

  it('leaves other languages and years to Intl', () => {
    const date = '2026-11-01T10:00:00Z'
    expect(dateWords(date, 'en-GB')).toBe(intlWords('en-GB', new Date(date)))
    expect(dateWords(date, 'fr')).toBe(intlWords('fr', new Date(date)))
    expect(dateWords(date, 'de')).toBe('1. November 2026')
    expect(dateWords('0999-12-31T00:00:00Z', 'en')).toBe(intlWords('en', new Date('0999-12-31T00:00:00Z')))
  })
})

import { describe, expect, it } from 'vitest'
import { printable } from '../../cli/printable.js'

describe('printable', () => {
  it('shows C0, DEL and C1 controls as U+FFFD, and leaves every other character', () => {
    expect(printable('a\u001b]0;t\u0007b\u001b[2Jc\u009b2Jd\u007fe\nf\tg')).toBe('a\uFFFD]0;t\uFFFDb\uFFFD[2Jc\uFFFD2Jd\uFFFDe\uFFFDf\uFFFDg')
    const text = 'Épisode 12 — «café» 日本 \u{1F600} \u00a0\u00ff'
    expect(printable(text)).toBe(text)
  })
})

import { describe, expect, it } from 'vitest'
import { warningLine } from '../../cli/event-lines.js'
import { printable, printableLines } from '../../cli/printable.js'

describe('printable', () => {
  it('shows C0, DEL and C1 controls as U+FFFD, and leaves every other character', () => {
    expect(printable('a\u001b]0;t\u0007b\u001b[2Jc\u009b2Jd\u007fe\nf\tg')).toBe('a\uFFFD]0;t\uFFFDb\uFFFD[2Jc\uFFFD2Jd\uFFFDe\uFFFDf\uFFFDg')
    const text = 'Épisode 12 — «café» 日本 \u{1F600} \u00a0\u00ff'
    expect(printable(text)).toBe(text)
  })

  it('keeps newlines and tabs in printableLines, and warnings quoting a tracker\'s words stay one harmless line', () => {
    expect(printableLines('a\n\tb\u001b[2J\r')).toBe('a\n\tb\uFFFD[2J\uFFFD')
    expect(warningLine('tracker said: \u001b]0;pwned\u0007\nnext')).toBe('seedcast: warning: tracker said: \uFFFD]0;pwned\uFFFD\uFFFDnext')
  })
})

// Text from elsewhere (a torrent's name, a magnet's dn=, a URL in an error) printed for a
// person: a terminal control in it (ESC starts sequences that set the window title, clear
// the screen or redraw what is shown; C1 CSI does the same in some terminals) is shown as
// U+FFFD instead of being run by the terminal, and so are newlines and tabs: one item stays
// one line. --json output keeps the text as it is (JSON escapes it).

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g

export function printable (text: string): string {
  return text.replace(CONTROLS, '\uFFFD')
}

// eslint-disable-next-line no-control-regex -- as above
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g

/** As printable, for several lines of output: newlines and tabs stay. */
export function printableLines (text: string): string {
  return text.replace(CONTROLS_BUT_LINES, '\uFFFD')
}

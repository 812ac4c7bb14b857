// `seedcast serve --host` as operators write it: an IPv6 literal in brackets (as in a URL)
// is listened on; an empty value or an address with a port is one usage line (exit 2), not
// "unexpected error: Invalid URL" (exit 70) or "no such local address".
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { binPath, runCli } from '../helpers/cli.js'
import { startJsonProcess, waitForLines } from '../helpers/json-process.js'
import { tempDir } from '../helpers/tmp.js'
import { makePublishedShow } from './serve-helpers.js'

let tmp: Awaited<ReturnType<typeof tempDir>>
let showDir: string
beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-host-')
  showDir = join(tmp.path, 'show')
  await makePublishedShow(showDir, 'http://127.0.0.1:8080/', ['episode-2.mp3'], 'Host Show')
})
afterAll(async () => { await tmp?.cleanup() })

describe('serve --host', () => {
  it('refuses an empty address and one with a port in one line, exit 2', async () => {
    const empty = await runCli(['serve', showDir, '--port', '0', '--host', ''])
    expect(empty.code).toBe(2)
    expect(empty.stderr).toBe('seedcast: --host: is empty (give an address of this machine: 127.0.0.1, 0.0.0.0 or ::)\n')
    const withPort = await runCli(['serve', showDir, '--port', '0', '--host', '127.0.0.1:80'])
    expect(withPort.code).toBe(2)
    expect(withPort.stderr).toBe('seedcast: --host: 127.0.0.1:80 names a port (give the address alone, and 80 as --port)\n')
    const bracketsWithPort = await runCli(['serve', showDir, '--port', '0', '--host', '[::1]:8080', '--json'])
    expect(bracketsWithPort.code).toBe(2)
    expect(JSON.parse(bracketsWithPort.stdout)).toMatchObject({ error: { code: 'EUSAGE', message: '--host: [::1]:8080 names a port' } })
  })

  it('listens on an IPv6 literal given in brackets', async () => {
    const serve = startJsonProcess([binPath, 'serve', showDir, '--port', '0', '--host', '[::1]', '--json'])
    try {
      await waitForLines('serve listening', 30_000, () => serve.lines.length > 0, [serve])
      const url = serve.lines[0]!.url as string
      expect(url).toMatch(/^http:\/\/\[::1\]:\d+\/$/)
      const feed = await fetch(new URL('rss.xml', url))
      expect(feed.status).toBe(200)
      expect(await feed.text()).toContain('<title>Host Show</title>')
    } finally {
      serve.kill()
    }
  })
})

// Getting a `seedcast` command outside the clone, as the README's "Installing" says, and what
// an older Node on PATH gets: one clear line and exit 1, not a warning on every command.
import { existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath, repoRoot, runProcess } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0)) await cleanup() })

const SYSTEM_NODE = '/usr/bin/node'
const TOO_OLD = /^seedcast: Node \d+\.\d+\.\d+ is too old, seedcast needs Node 22 or newer \(put a newer node first on PATH, or run `npx seedcast` inside the clone, which uses its own Node 24; see README "Installing"\)\n$/
const fixture = join(repoRoot, 'fixtures', 'episode.mp3')

describe('installing and running seedcast', { timeout: 180_000 }, () => {
  it('under the machine\'s older system Node, bin/run.js prints one line and exits 1, whatever the command', async () => {
    const version = await runProcess(SYSTEM_NODE, ['-p', 'process.versions.node'])
    expect(Number(version.stdout.trim().split('.')[0]), 'this machine\'s /usr/bin/node is the older Node the check is for').toBeLessThan(22)
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    for (const args of [['--version'], ['info', fixture], ['publish', fixture, '--show', tmp.path]]) {
      const result = await runProcess(SYSTEM_NODE, [binPath, ...args], { cwd: tmp.path })
      expect(result.code).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(TOO_OLD)
    }
  })

  it('refuses any Node older than 22 the same way (a Node 18 simulated under the test\'s Node)', async () => {
    const result = await runProcess(process.execPath, ['--import', 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"18.19.0"})', binPath, 'info', fixture])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(TOO_OLD)
    expect(result.stderr).toContain('Node 18.19.0 is too old')
  })

  it('npm install -g puts a working seedcast command on PATH, used from another folder', async () => {
    const prefix = await tempDir('seedcast-prefix-')
    const work = await tempDir('seedcast-elsewhere-')
    cleanups.push(prefix.cleanup, work.cleanup)
    // A link to this clone, as `npm install -g .` makes; no scripts (the clone is built already), no registry.
    const install = await runProcess('npm', ['install', '-g', '--prefix', prefix.path, '--ignore-scripts', '--offline', '--no-audit', '--no-fund', repoRoot], { cwd: repoRoot })
    expect(install.code, install.stderr).toBe(0)
    const command = join(prefix.path, 'bin', 'seedcast')
    expect(existsSync(command)).toBe(true)

    // With a new enough node first on PATH (here the one running the tests), it works from anywhere.
    const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` }
    const version = await runProcess(command, ['--version'], { cwd: work.path, env })
    expect(version.stdout).toMatch(/^seedcast\/0\.1\.0 /)
    const created = await runProcess(command, ['create', fixture, '-o', 'ep.torrent', '--json'], { cwd: work.path, env })
    expect(created.code, created.stderr).toBe(0)
    const info = await runProcess(command, ['info', 'ep.torrent', '--json'], { cwd: work.path, env })
    expect(JSON.parse(info.stdout)).toMatchObject({ name: 'episode.mp3', infoHash: JSON.parse(created.stdout).infoHash })

    // With the older system node first on PATH: the one line.
    const old = await runProcess(command, ['info', 'ep.torrent'], { cwd: work.path, env: { PATH: `${dirname(SYSTEM_NODE)}:/bin` } })
    expect(old.code).toBe(1)
    expect(old.stderr).toMatch(TOO_OLD)
  })

  it('the README\'s alias (the clone\'s own Node 24) works from another folder with the old node on PATH', async () => {
    const work = await tempDir('seedcast-elsewhere-')
    cleanups.push(work.cleanup)
    const bundled = join(repoRoot, 'node_modules', '.bin', 'node')
    const result = await runProcess(bundled, [binPath, 'create', fixture, '-o', 'ep.torrent', '--json'], { cwd: work.path, env: { PATH: '/usr/bin:/bin' } })
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout).infoHash).toMatch(/^[0-9a-f]{40}$/)
  })
})

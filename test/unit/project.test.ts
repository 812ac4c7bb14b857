import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { repoRoot, runCli } from '../helpers/cli.js'

describe('the installed project', () => {
  it('runs under Node 24 from node_modules, as the README promises', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(24)
  })

  it('imports webtorrent with the local webrtc-polyfill shim giving real WebRTC classes', async () => {
    const { default: WebTorrent } = await import('webtorrent')
    expect(WebTorrent.WEBRTC_SUPPORT).toBe(true)
    const shim = await import('webrtc-polyfill')
    expect(typeof shim.RTCPeerConnection).toBe('function')
    expect(typeof shim.RTCSessionDescription).toBe('function')
    expect(typeof shim.RTCIceCandidate).toBe('function')
  })

  it('has a committed oclif.manifest.json that matches the built commands', () => {
    const check = () => execFileSync(process.execPath, ['scripts/manifest.js', '--check'], { cwd: repoRoot, stdio: 'pipe' })
    expect(check).not.toThrow()
    const onDisk = readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')
    expect(Object.keys(JSON.parse(onDisk).commands).length).toBeGreaterThan(3)
    // `npm test` rebuilds the manifest first, so the file on disk is always fresh; what
    // can be stale is the committed copy, which is what a fresh clone runs with.
    if (existsSync(new URL('../../.git', import.meta.url))) {
      const committed = execFileSync('git', ['show', 'HEAD:oclif.manifest.json'], { cwd: repoRoot, encoding: 'utf8' })
      expect(committed, 'oclif.manifest.json changed with the build: commit it').toBe(onDisk)
    }
  })

  it('prints a manual with every command on --help', async () => {
    const result = await runCli(['--help'])
    expect(result.code).toBe(0)
    for (const command of ['create', 'info', 'magnet', 'verify']) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\s+\\S`, 'm'))
    }
  })

  it('answers an unknown command with one line and a non-zero exit', async () => {
    const result = await runCli(['no-such-command'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('the README', () => {
  it('documents every command the CLI has, with the two commands of the quick start', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8'))
    for (const id of Object.keys(manifest.commands)) {
      expect(readme, `README lacks seedcast ${id}`).toContain(`### \`seedcast ${id.replaceAll(':', ' ')}`)
    }
    // The reference is generated from the manifest, so it says what --help says.
    const reference = execFileSync(process.execPath, ['scripts/readme-commands.js'], { cwd: repoRoot, encoding: 'utf8' })
    expect(readme.includes(reference.trim()), 'README command reference is stale: see scripts/readme-commands.js').toBe(true)
    expect(readme).toContain('npm ci && npm start')
    expect(readme).toMatch(/^npm test\b/m)
  })
})

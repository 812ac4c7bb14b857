import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/cli.ts'
import { within } from '../helpers/json-process.ts'
import { tempDir } from '../helpers/tmp.ts'

// `npm start` (scripts/start.js) prints the show page's URL first, before anything the build
// prints (issue 9). It runs `npm run build` in the current folder, so the test runs it in a
// folder whose package.json has a stand-in build that prints (the real build would replace the
// dist/ that other tests are reading), with the real demo and `serve --seed` after it, on the
// demo's port 8080 (free in the loopback namespace: the other tests take port 0).

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const SHOW_PAGE = 'http://localhost:8080/'

async function startIn (build: string) {
  const tmp = await tempDir('seedcast-start-')
  cleanups.push(tmp.cleanup)
  await writeFile(join(tmp.path, 'package.json'), JSON.stringify({ name: 'start-test', private: true, scripts: { build } }))
  // The seeder's fast-resume state goes to the test's folder, not the user's ~/.local/state.
  const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.js')], { cwd: tmp.path, env: { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: join(tmp.path, 'state') }, stdio: ['ignore', 'pipe', 'pipe'] })
  cleanups.push(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)))
  return { child, exited, stdout: () => stdout, stderr: () => stderr, dir: tmp.path }
}

const BUILD = 'node -e "console.log(\'BUILD STDOUT\'); console.error(\'BUILD STDERR\')"'

describe('npm start', () => {
  it('prints the show page\'s URL first, keeps a successful build quiet, and serves the demo there', async () => {
    const start = await startIn(BUILD)
    await within(new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (/^Serving /m.test(start.stdout())) { clearInterval(check); resolve() }
        if (start.child.exitCode !== null) { clearInterval(check); reject(new Error(`exited ${start.child.exitCode}: ${start.stderr()}`)) }
      }, 50)
    }), 90_000, 'npm start serving')
    const lines = start.stdout().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^Show page: ${SHOW_PAGE} `))
    expect(`${start.stdout()}${start.stderr()}`).not.toMatch(/BUILD STD(OUT|ERR)/)
    expect(lines.slice(1, 3)).toEqual([expect.stringMatching(/^Built in \d+ s\.$/), 'Demo show in .demo/show.'])
    // The URL printed first is the page the server answers with.
    const page = await fetch(SHOW_PAGE)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('seedcast demo podcast')
    start.child.kill('SIGTERM')
    expect(await within(start.exited, 30_000, 'npm start stop')).toBe(0)
  }, 120_000)

  it('prints a failing build\'s whole output after the URL and exits with its code', async () => {
    const start = await startIn(`${BUILD.slice(0, -1)}; process.exit(3)"`)
    expect(await within(start.exited, 60_000, 'npm start')).toBe(3)
    expect(start.stdout().split('\n')[0]).toMatch(new RegExp(`^Show page: ${SHOW_PAGE} `))
    expect(start.stdout()).not.toMatch(/^Serving /m)
    expect(start.stderr()).toContain('BUILD STDOUT')
    expect(start.stderr()).toContain('BUILD STDERR')
    expect(start.stderr()).toContain('npm run build failed (exit code 3)')
  }, 90_000)
})

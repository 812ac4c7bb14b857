// `npm start`: the show page's URL first, then build, make the demo show and serve it with a
// seeder. The build and the demo are quiet when they succeed (one line each): their output
// would push the URL off the first screen, and the server prints the page's URL again once it
// answers. When one fails, its whole output is printed and `npm start` exits with its code.
// Runs in the current directory (npm runs it at the package root): `npm run build` there,
// the demo show in .demo/show.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const DEMO_DIR = '.demo/show'
/** The demo's base URL (src/show/demo.ts DEMO_BASE_URL), where `seedcast serve` listens. */
const SHOW_PAGE = 'http://localhost:8080/'
const cli = fileURLToPath(new URL('../bin/run.js', import.meta.url))

/** Runs a step with its output kept; resolves with the output, or exits as the step did after printing it. */
function quietly (what, command, args) {
  const started = Date.now()
  return new Promise(resolve => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const output = []
    child.stdout.on('data', chunk => output.push(chunk))
    child.stderr.on('data', chunk => output.push(chunk))
    child.on('error', error => {
      process.stderr.write(`${what} could not start: ${error.message}\n`)
      process.exit(1)
    })
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(((Date.now() - started) / 1000).toFixed(0))
        return
      }
      process.stderr.write(Buffer.concat(output))
      process.stderr.write(`${what} failed (${signal ?? `exit code ${code}`}): see its output above\n`)
      process.exit(code || 1)
    })
  })
}

console.log(`Show page: ${SHOW_PAGE} (answers once the server below says "Serving"; building first)`)
const built = await quietly('npm run build', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'])
console.log(`Built in ${built} s.`)
await quietly('seedcast demo', process.execPath, [cli, 'demo', '--dir', DEMO_DIR])
console.log(`Demo show in ${DEMO_DIR}.`)

// The server in front, with the terminal; this script waits for it to stop, then exits as it
// did. Ctrl+C reaches the server itself (same process group): passing SIGINT on as well would
// be a second one, which makes it exit at once instead of stopping cleanly. SIGTERM, sent to
// this process alone, is passed on.
const serve = spawn(process.execPath, [cli, 'serve', DEMO_DIR, '--seed'], { stdio: 'inherit' })
process.on('SIGINT', () => {})
process.on('SIGTERM', () => serve.kill('SIGTERM'))
serve.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))

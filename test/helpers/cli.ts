import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const binPath = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  input?: string
  timeoutMs?: number
  /** Run as this user id (and group id): the caller must be root. */
  uid?: number
}

/**
 * Runs the built CLI (`bin/run.js`, the same entry as `npx seedcast`) in a child process
 * under the Node running the tests, with a bounded wait.
 */
export function runCli (args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runProcess(process.execPath, [binPath, ...args], options, `seedcast ${args.join(' ')}`)
}

/** Runs any command the way runCli runs the CLI: output collected, a bounded wait, NO_COLOR. */
export function runProcess (command: string, args: string[], options: RunOptions = {}, label = `${command} ${args.join(' ')}`): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      uid: options.uid,
      gid: options.uid
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${label} timed out; stderr: ${stderr}`))
    }, options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }) })
    // A child that exits without reading its standard input (most commands never read it) makes
    // this write fail with EPIPE; the result is its output and exit status, so that is no error
    // (unheard, it was an uncaught exception that failed a whole run, seed-live.test.ts, 1 in 6).
    child.stdin.on('error', () => {})
    child.stdin.end(options.input ?? '')
  })
}

/** Runs the CLI with --json and parses stdout. */
export async function runCliJson<T = any> (args: string[], options: Parameters<typeof runCli>[1] = {}): Promise<{ result: CliResult, json: T }> {
  const result = await runCli([...args, '--json'], options)
  let json: T
  try {
    json = JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\nstderr: ${result.stderr}`)
  }
  return { result, json }
}

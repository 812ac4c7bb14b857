import { spawn, type ChildProcess } from 'node:child_process'
import { repoRoot } from './cli.ts'

export interface Exit { code: number | null, signal: NodeJS.Signals | null }

/** A Node child process that prints one JSON object per line on stdout. */
export interface JsonProcess {
  child: ChildProcess
  /** Every line printed so far, parsed. */
  lines: Array<Record<string, any>>
  stderr: () => string
  exited: Promise<Exit>
  /** SIGKILL unless it has already exited: for afterEach. */
  kill: () => void
}

/** Runs `node <args>` from the repository root (the built CLI or an inline script) and collects its JSON lines. */
export function startJsonProcess (args: string[], env: NodeJS.ProcessEnv = {}): JsonProcess {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: Array<Record<string, any>> = []
  let buffered = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    const parts = buffered.split('\n')
    buffered = parts.pop()!
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part))
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<Exit>(resolve => child.on('close', (code, signal) => resolve({ code, signal })))
  const kill = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') }
  return { child, lines, stderr: () => stderr, exited, kill }
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms) })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Polls `test` every 20 ms for up to `ms`; fails at once when one of `alive` exits without
 * `test` holding, once all it printed is read (its 'close': 'exit' may come before its last
 * lines, such as the very line `test` waits for).
 */
export function waitForLines (what: string, ms: number, test: () => boolean, alive: JsonProcess[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const closed = new Set<JsonProcess>()
    for (const proc of alive) void proc.exited.then(() => closed.add(proc))
    const timer = setTimeout(() => { clearInterval(check); reject(new Error(`${what}: not within ${ms} ms`)) }, ms)
    const check = setInterval(() => {
      if (test()) { clearTimeout(timer); clearInterval(check); return resolve() }
      const dead = alive.find(proc => closed.has(proc))
      if (dead) { clearTimeout(timer); clearInterval(check); reject(new Error(`${what}: a process died (${dead.child.signalCode ?? dead.child.exitCode}): ${dead.stderr()}`)) }
    }, 20)
  })
}

import { runProcess } from './cli.js'

// Runs a command in a pseudo-terminal (python3's pty module), answering prompts: each step
// waits (bounded) for its pattern in the output, then types its line. The transcript and
// the exit code come back as JSON.
const DRIVER = String.raw`
import json, os, pty, re, select, subprocess, sys, time
spec = json.loads(sys.argv[1])
master, slave = pty.openpty()
proc = subprocess.Popen(spec['argv'], stdin=slave, stdout=slave, stderr=slave, cwd=spec['cwd'], env=dict(os.environ, **spec['env']), close_fds=True)
os.close(slave)
out = b''
def read_until(pattern, deadline):
    global out
    while not re.search(pattern, out.decode('utf8', 'replace')):
        left = deadline - time.time()
        if left <= 0: return False
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            try: chunk = os.read(master, 65536)
            except OSError: return False
            if not chunk: return False
            out += chunk
    return True
failed = None
for step in spec['steps']:
    seen = len(out)
    if not read_until(step['expect'], time.time() + spec['stepTimeout']):
        failed = step['expect']; break
    out_after = out
    os.write(master, (step['send'] + '\r').encode())
deadline = time.time() + spec['stepTimeout']
while proc.poll() is None and time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 0.1)
    if ready:
        try: out += os.read(master, 65536)
        except OSError: pass
if proc.poll() is None: proc.kill(); proc.wait()
try:
    while True:
        ready, _, _ = select.select([master], [], [], 0)
        if not ready: break
        chunk = os.read(master, 65536)
        if not chunk: break
        out += chunk
except OSError: pass
print(json.dumps({'code': proc.returncode, 'transcript': out.decode('utf8', 'replace'), 'failed': failed}))
`

export interface PtyStep { expect: string, send: string }

export async function runInPty (argv: string[], steps: PtyStep[], options: { cwd: string, env?: Record<string, string>, stepTimeoutMs?: number }): Promise<{ code: number | null, transcript: string, failed: string | null }> {
  const spec = { argv, steps, cwd: options.cwd, env: { NO_COLOR: '1', ...options.env }, stepTimeout: (options.stepTimeoutMs ?? 30_000) / 1000 }
  const result = await runProcess('python3', ['-c', DRIVER, JSON.stringify(spec)], { timeoutMs: (steps.length + 2) * (options.stepTimeoutMs ?? 30_000) })
  if (result.code !== 0) throw new Error(`pty driver failed: ${result.stderr}`)
  return JSON.parse(result.stdout)
}

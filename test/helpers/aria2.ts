import { spawn } from 'node:child_process'

/**
 * Downloads `torrentPath` into `dir` with aria2c as an independent leecher: no DHT, LSD
 * or PEX (so only the torrent's trackers and web seeds are sources), no seeding after
 * the download, killed after `timeoutMs`. Resolves with the exit code (null when killed
 * or not started) and aria2c's output, for the assertion message.
 */
export function aria2Download (torrentPath: string, dir: string, timeoutMs: number): Promise<{ code: number | null, output: string }> {
  return new Promise(resolve => {
    const child = spawn('aria2c', ['--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
      '--seed-time=0', '--bt-stop-timeout=30', '--console-log-level=warn', '--summary-interval=0', '--dir', dir, torrentPath],
    { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', error => { output += String(error) })
    child.on('close', code => { clearTimeout(timer); resolve({ code, output }) })
  })
}

import { runProcess } from './cli.js'

/**
 * Downloads `torrentPath` into `dir` with aria2c as an independent leecher: no DHT, LSD
 * or PEX (so only the torrent's trackers and web seeds are sources), no seeding after
 * the download; fails after `timeoutMs`. Resolves with the exit code and aria2c's
 * output, for the assertion message.
 */
export async function aria2Download (torrentPath: string, dir: string, timeoutMs: number): Promise<{ code: number | null, output: string }> {
  const result = await runProcess('aria2c', ['--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
    '--seed-time=0', '--bt-stop-timeout=30', '--console-log-level=warn', '--summary-interval=0', '--dir', dir, torrentPath], { timeoutMs })
  return { code: result.code, output: result.stdout + result.stderr }
}

import { runProcess } from './cli.js'

/**
 * The ports an aria2c of the tests listens on (its own default, written out): aria2c binds
 * the first of them it can, so parallel aria2c processes never collide, and they lie below
 * the kernel's ephemeral range (32768-60999), where no other process's port-0 socket lands.
 * Never one port found free beforehand: another process may bind it first, and aria2c then
 * fails ("failed to bind TCP port") and exits.
 */
export const ARIA2_LISTEN_PORTS = '6881-6999'

/**
 * Downloads `torrentPath` into `dir` with aria2c as an independent leecher: no DHT, LSD
 * or PEX (so only the torrent's trackers and web seeds are sources), no seeding after
 * the download; fails after `timeoutMs`. Resolves with the exit code and aria2c's
 * output, for the assertion message.
 */
export async function aria2Download (torrentPath: string, dir: string, timeoutMs: number): Promise<{ code: number | null, output: string }> {
  const result = await runProcess('aria2c', ['--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
    `--listen-port=${ARIA2_LISTEN_PORTS}`, '--seed-time=0', '--bt-stop-timeout=30', '--console-log-level=warn', '--summary-interval=0', '--dir', dir, torrentPath], { timeoutMs })
  return { code: result.code, output: result.stdout + result.stderr }
}

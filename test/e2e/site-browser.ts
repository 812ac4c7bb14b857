// Shared by the site's Chromium tests: a show published from the fixtures, and nginx as a
// plain static host started on 127.0.0.1 with a temp config.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { initShow } from '../../src/show/init.js'
import { publish, type PublishResult } from '../../src/show/publish.js'
import { fixture } from '../integration/serve-helpers.js'

/** A show at `baseUrl` (trackers: self) with the two MP3s and the MP4 published, and a draft that must never show. */
export async function publishedShow (dir: string, baseUrl: string): Promise<{ episodes: PublishResult[], draft: PublishResult }> {
  await initShow(dir, {
    title: 'Field & Stream <Notes>', description: 'Recordings from the field, "as heard".\n\nA second paragraph.', author: 'Ann O\'Neil',
    ownerName: 'Ann', ownerEmail: 'ann@example.org', language: 'en', category: 'Technology', baseUrl, image: fixture('cover.jpg'), trackers: ['self']
  })
  const episodes: PublishResult[] = []
  const files = ['episode.mp3', 'episode-2.mp3', 'video.mp4']
  for (const [index, name] of files.entries()) {
    episodes.push(await publish(dir, fixture(name), { date: `2026-11-0${index + 1}T09:00:00Z`, episode: index + 1, season: 1 }))
  }
  const draft = await publish(dir, fixture('video.webm'), { date: '2026-11-09T09:00:00Z', draft: true, title: 'Unreleased draft' })
  return { episodes, draft }
}

/**
 * nginx serving `root` on 127.0.0.1:`port` (Range, HEAD, index.html for folders: a plain static
 * host). `extra.server`: more directives for that server; `extra.http`: more servers.
 */
export async function startNginx (workDir: string, root: string, port: number, extra: { server?: string, http?: string } = {}): Promise<{ stop: () => Promise<void> }> {
  await mkdir(join(workDir, 'logs'), { recursive: true })
  const config = `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${join(workDir, 'nginx.pid')};
error_log ${join(workDir, 'logs', 'error.log')} warn;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  types { application/x-bittorrent torrent; }
  access_log off;
  client_body_temp_path ${join(workDir, 'body')};
  proxy_temp_path ${join(workDir, 'proxy')};
  fastcgi_temp_path ${join(workDir, 'fastcgi')};
  uwsgi_temp_path ${join(workDir, 'uwsgi')};
  scgi_temp_path ${join(workDir, 'scgi')};
  server {
    listen 127.0.0.1:${port};
    root ${root};
    index index.html;
    ${extra.server ?? ''}
  }
  ${extra.http ?? ''}
}
`
  const configPath = join(workDir, 'nginx.conf')
  await writeFile(configPath, config)
  const child: ChildProcess = spawn('nginx', ['-c', configPath, '-p', workDir], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  // Ready when it answers; bounded.
  const deadline = Date.now() + 10_000
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) }).then(() => true, () => false)
    if (ok) break
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start: ${stderr}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return {
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 5_000))])
    }
  }
}

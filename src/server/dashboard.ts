import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { playerBuildCandidates } from '../site/player-assets.js'
import { problem } from './request-guard.js'

export const DASHBOARD_PATH = '/dashboard/'
/** The dashboard's entry in Vite's manifest; its files are built into dist/web/dashboard/. */
const DASHBOARD_ENTRY = 'dashboard/main.ts'

/** The built dashboard: the page's script and style, and every file it may load (by name). */
interface DashboardBuild { js: string, css: string[], files: Map<string, { path: string, type: string }> }

/** Reads the dashboard's entry from the first Vite manifest that has one; undefined when not built. */
async function readDashboardBuild (): Promise<DashboardBuild | undefined> {
  for (const dir of playerBuildCandidates()) {
    const raw = await readFile(join(dir, '.vite', 'manifest.json'), 'utf8').catch(() => undefined)
    if (raw === undefined) continue
    let entry: { file?: string, css?: string[] } | undefined
    try {
      entry = (JSON.parse(raw) as Record<string, { file?: string, css?: string[] }>)[DASHBOARD_ENTRY]
    } catch {
      continue
    }
    if (!entry?.file?.startsWith('dashboard/')) continue
    const css = (entry.css ?? []).filter(name => name.startsWith('dashboard/'))
    const files = new Map<string, { path: string, type: string }>()
    files.set(entry.file.slice('dashboard/'.length), { path: join(dir, entry.file), type: 'text/javascript; charset=utf-8' })
    for (const name of css) files.set(name.slice('dashboard/'.length), { path: join(dir, name), type: 'text/css; charset=utf-8' })
    return { js: entry.file.slice('dashboard/'.length), css: css.map(name => name.slice('dashboard/'.length)), files }
  }
  return undefined
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/** The page: a shell the script fills in (it needs the token before it can show anything). */
function page (build: DashboardBuild): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>seedcast dashboard</title>
${build.css.map(name => `<link rel="stylesheet" href="./${escapeAttribute(name)}">`).join('\n')}
<script type="module" src="./${escapeAttribute(build.js)}"></script>
</head>
<body>
<main id="dashboard">
<h1>seedcast dashboard</h1>
<noscript><p>The dashboard needs JavaScript. The same figures are at /metrics and GET /api/shows/&lt;id&gt;/stats (with a token).</p></noscript>
</main>
</body>
</html>
`
}

/**
 * The seed box's dashboard at /dashboard/: a page whose script (web/dashboard/, built by
 * Vite into dist/web/dashboard/) reads the token API. The page itself holds nothing
 * private: every figure and write goes through the API, which answers 401 without the
 * show's token. Served only by `seedcast serve`, never copied into a show's public/.
 * Strict headers: scripts and styles from here only, no framing, no referrer.
 */
async function dashboard (app: FastifyInstance): Promise<void> {
  let cached: Promise<DashboardBuild | undefined> | undefined
  // Read on first use, so a server started before `npm run build` finished still finds it.
  const build = async () => {
    cached ??= readDashboardBuild()
    const found = await cached
    if (!found) cached = undefined
    return found
  }
  const secure = (reply: FastifyReply) => reply
    .header('content-security-policy', "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')

  app.get(DASHBOARD_PATH.slice(0, -1), async (_request, reply) => reply.code(301).header('location', DASHBOARD_PATH).send())
  app.get(DASHBOARD_PATH, async (_request, reply) => {
    const found = await build()
    secure(reply).header('cache-control', 'no-cache')
    if (!found) return reply.code(503).send(problem(503, 'the dashboard is not built (run `npm run build` in the seedcast checkout)'))
    return reply.type('text/html; charset=utf-8').send(page(found))
  })
  app.get(`${DASHBOARD_PATH}:file`, async (request, reply) => {
    const file = (await build())?.files.get((request.params as { file: string }).file)
    if (!file) return reply.code(404).send(problem(404, `${request.url.slice(0, 200)}: no such file`))
    const body = await readFile(file.path).catch(() => undefined)
    if (!body) return reply.code(404).send(problem(404, `${request.url.slice(0, 200)}: no such file`))
    // Hashed names: a new build is a new name.
    return secure(reply).type(file.type).header('cache-control', 'public, max-age=31536000, immutable').send(body)
  })
}

export default fp(dashboard, { name: 'seedcast-dashboard', fastify: '5.x', dependencies: ['seedcast-request-guard'] })

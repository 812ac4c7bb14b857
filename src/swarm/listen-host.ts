// The peer port's address: webtorrent listens on every interface and has no option for
// one; seed --host needs it on one address only, and a WebRTC-only client on none.

type Listen = (...args: unknown[]) => unknown
interface Listener { listen: Listen }
interface ServerModule { createServer?: (...args: unknown[]) => Listener }

/**
 * Runs `make` (which constructs a WebTorrent client) so that the peer port it opens listens
 * on `host` only. webtorrent has no option for it: its ConnPool calls
 * `net.createServer().listen(port, callback)` in its constructor and, in that callback,
 * `utp.createServer().listen(port)`, both on every interface. During those synchronous
 * calls, the servers created get `host` inserted in their listen call. The caller checks
 * the address once listening (peerPortAddress), so a change in webtorrent cannot widen the
 * port unnoticed.
 */
export function constructListeningOn<T> (host: string | undefined, make: () => T, modules: { net: ServerModule, utp?: ServerModule }): T {
  if (!host) return make()
  const restore = listenOnHost(modules.net, host, callback => () => {
    const restoreUtp = modules.utp?.createServer ? listenOnHost(modules.utp, host, callback => callback) : undefined
    try { callback() } finally { restoreUtp?.() }
  })
  try {
    return make()
  } finally {
    restore()
  }
}

/** Until the returned function is called, servers made by `module.createServer` listen on `host`. */
function listenOnHost (module: ServerModule, host: string, wrapCallback: (callback: () => void) => () => void): () => void {
  const create = module.createServer!
  module.createServer = function (...args: unknown[]) {
    const server = create.apply(module, args)
    const listen = server.listen
    server.listen = function (this: unknown, ...listenArgs: unknown[]) {
      const [port, callback] = listenArgs
      // Only the (port) and (port, callback) calls webtorrent makes; anything else as given.
      if (typeof port !== 'number' || listenArgs.length > 2 || (callback !== undefined && typeof callback !== 'function')) return listen.apply(server, listenArgs)
      return listen.call(server, port, host, ...(callback ? [wrapCallback(callback as () => void)] : []))
    }
    return server
  }
  return () => { module.createServer = create }
}

/** The address the client's TCP peer port listens on ("0.0.0.0", "::", "127.0.0.1"...), once listening. */
export function peerPortAddress (client: { address: () => { address: string } | null }): string | undefined {
  return client.address()?.address
}

/**
 * Closes the client's TCP peer server once it listens, for a client that must accept no
 * peer connection (WebRTC only): WebTorrent's connection pool opens it unconditionally.
 * Its later close() in WebTorrent's destroy is made a no-op: the "not running" error it
 * would give ends WebTorrent's destroy before the torrents' "stopped" announces are sent.
 */
export function closePeerPortOnListening (client: object): void {
  interface Server { close: (callback?: (err?: Error) => void) => unknown }
  const swarm = client as { listening?: boolean, _connPool?: { tcpServer?: Server | null } | null, once: (event: 'listening', listener: () => void) => unknown }
  const close = () => {
    const server = swarm._connPool?.tcpServer
    if (!server) return
    server.close()
    server.close = callback => { if (callback) queueMicrotask(() => callback()); return server }
  }
  if (swarm.listening) close()
  else swarm.once('listening', close)
}

// Metadata from peers (ut_metadata): the info dictionary a magnet's peers send, checked
// by seedcast's own reader before webtorrent trusts it.

interface MetadataTarget { _onMetadata?: (metadata: unknown) => unknown, _destroy?: (error: Error) => void }

/**
 * Has one torrent give the info dictionary its peers send (ut_metadata: the bytes of
 * `{ info }`) to `parse` before WebTorrent sees it, by wrapping that torrent's
 * `_onMetadata`; a throw from `parse` destroys the torrent with that error. Checks the
 * members first; false (and nothing changed) when they are missing.
 */
export function interceptPeerMetadata (torrent: object, parse: (bytes: Uint8Array) => unknown): boolean {
  const target = torrent as MetadataTarget
  const original = target._onMetadata
  if (typeof original !== 'function' || typeof target._destroy !== 'function') return false
  target._onMetadata = function (this: MetadataTarget, metadata: unknown) {
    // From a .torrent it is already parsed; only peers' bytes go through `parse`.
    if (!ArrayBuffer.isView(metadata)) return original.call(this, metadata)
    let parsed: unknown
    try {
      parsed = parse(new Uint8Array(metadata.buffer, metadata.byteOffset, metadata.byteLength))
    } catch (error) {
      this._destroy!(error as Error)
      return undefined
    }
    return original.call(this, parsed)
  }
  return true
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** An Atom/JSON Feed id (an IRI) for an RSS guid: urn:uuid: for UUIDs, the guid itself when it is already a URI. */
export function atomId (guid: string): string {
  if (UUID.test(guid)) return `urn:uuid:${guid.toLowerCase()}`
  if (/^[a-z][a-z0-9+.-]*:/i.test(guid)) return guid
  return `urn:seedcast:${encodeURIComponent(guid)}`
}

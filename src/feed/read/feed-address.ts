/**
 * A feed address in a podcast app's own scheme, as the "Subscribe" buttons of show sites
 * and some OPML exports write it (itpc://host/rss, pcast://, podcast://, feed://host/rss,
 * feed:https://host/rss), as the http(s) URL it stands for. Anything else is returned as
 * it is, for the fetch to accept or refuse.
 */
export function feedAddress (value: string): string {
  const wrapped = /^feed:(https?:\/\/.*)$/i.exec(value)?.[1]
  return wrapped ?? value.replace(/^(?:itpc|pcast|podcast|feed):\/\//i, 'http://')
}

import { domainToASCII } from 'node:url'

// The owner email goes into itunes:owner and podcast:locked, where a directory mails it to
// confirm who runs the show. The check is on syntax only (RFC 5321's dot-atom mailbox at a
// domain name), not on which top-level domains exist today: zod's default rule refused
// "a@b.c" and every internationalised domain ("ana@bücher.example"), both deliverable in
// syntax, while a list of real TLDs would age. Quoted local parts and address literals
// ("x@[1.2.3.4]") stay refused: no podcast directory takes them.

// RFC 5322 atext, plus any non-ASCII letter (RFC 6531 internationalised mailboxes).
const ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+$/u
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

export function isEmailAddress (value: string): boolean {
  const at = value.lastIndexOf('@')
  if (at < 1) return false
  const local = value.slice(0, at)
  const domain = value.slice(at + 1)
  if (local.length > 64 || !local.split('.').every(atom => ATOM.test(atom))) return false
  // IDNA to ASCII (punycode), as a mail server resolves it; '' when the name cannot be one.
  const ascii = domain.includes('%') ? '' : domainToASCII(domain)
  if (!ascii || ascii.length > 253) return false
  const labels = ascii.split('.')
  // A name with a dot: "a@localhost" is not an address a directory can write to; a TLD is not all digits (an IP).
  return labels.length >= 2 && labels.every(label => LABEL.test(label)) && !/^\d+$/.test(labels.at(-1)!)
}

import { randomBytes } from 'node:crypto'

/**
 * The Diffie-Hellman key exchange of BitTorrent's message stream encryption (MSE/PE),
 * in place of the `crypto.createDiffieHellman(prime, 'hex', 2)` bittorrent-protocol
 * makes for every connection that starts or answers the MSE handshake (webtorrent's
 * default for outgoing connections). Node's constructor checks that the prime is a safe
 * prime (OpenSSL DH_check) every time: 50-160 ms of CPU per connection here, 65 ms of a
 * 1 GiB `get` from one aria2c peer, for a prime that is a constant of the protocol. The
 * arithmetic itself is two modular powers of a 768-bit number (well under a millisecond
 * with BigInt). Same results as Node's object: the public key and the secret as
 * big-endian bytes, the secret left-padded to the prime's 96 bytes, and a peer's public
 * key outside 2..p-2 refused with an error, as OpenSSL refuses it.
 * Applied by webtorrent-internals.ts, which checks the member it replaces first.
 */

/** The MSE prime (the 768-bit Oakley group 1 prime) and generator, as the MSE specification gives them. */
const PRIME = BigInt('0xffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a63a36210000000000090563')
const GENERATOR = 2n
const PRIME_BYTES = 96
/** Private keys of 160 bits: the specification asks for at least 128 and sees nothing gained past 180. */
const PRIVATE_BYTES = 20

function modPow (base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n
  let square = base % modulus
  let rest = exponent
  while (rest > 0n) {
    if (rest & 1n) result = (result * square) % modulus
    square = (square * square) % modulus
    rest >>= 1n
  }
  return result
}

function toBigInt (bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'))
}

/** `value` as big-endian bytes: as few as it needs, or left-padded to `length`. */
function toBytes (value: bigint, length?: number): Buffer {
  let hex = value.toString(16)
  if (hex.length % 2) hex = '0' + hex
  const bytes = Buffer.from(hex, 'hex')
  if (length === undefined || bytes.length >= length) return bytes
  const padded = Buffer.alloc(length)
  bytes.copy(padded, length - bytes.length)
  return padded
}

/** What bittorrent-protocol's MSE code calls on its `dh`: generateKeys() and computeSecret(theirPublicKey). */
export class MseKeyExchange {
  private privateKey?: bigint
  private publicKey?: Buffer

  /** This side's public key, made once (as Node's generateKeys: later calls return the same). */
  generateKeys (): Buffer {
    if (!this.publicKey) {
      let key = 0n
      while (key < 2n) key = toBigInt(randomBytes(PRIVATE_BYTES))
      this.privateKey = key
      this.publicKey = toBytes(modPow(GENERATOR, key, PRIME))
    }
    return this.publicKey
  }

  /** The shared secret from the peer's public key, 96 bytes. */
  computeSecret (theirPublicKey: Uint8Array): Buffer {
    if (this.privateKey === undefined) this.generateKeys()
    const theirs = toBigInt(theirPublicKey)
    if (theirs < 2n || theirs > PRIME - 2n) throw new Error('Supplied key is too small or too large (MSE Diffie-Hellman)')
    return toBytes(modPow(theirs, this.privateKey!, PRIME), PRIME_BYTES)
  }
}

// mse-key.ts stands in for Node's DiffieHellman in BitTorrent's message stream encryption:
// a peer using Node's own object (as aria2c or libtorrent use OpenSSL's) must reach the
// same secret, and a public key OpenSSL refuses is refused here too.
import { createDiffieHellman } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MseKeyExchange } from '../../src/swarm/mse-key.js'

const PRIME = 'ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a63a36210000000000090563'

describe('MSE key exchange', () => {
  it('reaches the same 96-byte secret as Node\'s DiffieHellman on the MSE prime, from either side', () => {
    for (let i = 0; i < 8; i++) {
      const ours = new MseKeyExchange()
      const theirs = createDiffieHellman(PRIME, 'hex', 2)
      const theirPublic = theirs.generateKeys()
      const ourPublic = ours.generateKeys()
      expect(ourPublic.length).toBeLessThanOrEqual(96)
      // The public key is made once: a second call gives the same bytes, as Node's does.
      expect(ours.generateKeys().equals(ourPublic)).toBe(true)
      const secret = ours.computeSecret(theirPublic)
      expect(secret.length).toBe(96)
      expect(secret.equals(theirs.computeSecret(ourPublic))).toBe(true)
    }
  })

  it('computes a secret before generateKeys was called (the responder order), still matching', () => {
    const theirs = createDiffieHellman(PRIME, 'hex', 2)
    const ours = new MseKeyExchange()
    const secret = ours.computeSecret(theirs.generateKeys())
    expect(secret.equals(theirs.computeSecret(ours.generateKeys()))).toBe(true)
  })

  it('refuses public keys outside 2..p-2, as OpenSSL does', () => {
    const node = createDiffieHellman(PRIME, 'hex', 2)
    node.generateKeys()
    const ours = new MseKeyExchange()
    const minusOne = Buffer.from(PRIME, 'hex')
    minusOne[minusOne.length - 1]! -= 2
    for (const key of [Buffer.alloc(96), Buffer.from([1]), Buffer.from(PRIME, 'hex')]) {
      expect(() => node.computeSecret(key)).toThrow()
      expect(() => ours.computeSecret(key)).toThrow(/too small or too large/)
    }
    // p - 2 is the largest key both accept.
    expect(ours.computeSecret(minusOne).length).toBe(96)
    expect(node.computeSecret(minusOne).length).toBe(96)
  })
})

import { describe, expect, it } from 'vitest'
import { isOneAddress, sdpWithCandidatesOn } from '../../src/swarm/outgoing-host.js'

// An answer as @roamhq/wrtc writes it with trickle off: candidates on two interfaces.
const sdp = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2122260223 192.168.1.20 50111 typ host generation 0',
  'a=candidate:2 1 udp 2122194687 10.0.0.7 41234 typ host generation 0',
  'a=candidate:3 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active generation 0',
  'a=ice-ufrag:abcd',
  'a=sctp-port:5000',
  ''
].join('\r\n')

describe('outgoing connections from --host', () => {
  it('advertises only the WebRTC candidates on the host, every other SDP line kept', () => {
    const out = sdpWithCandidatesOn(sdp, '10.0.0.7')
    expect(out.split('\r\n').filter(line => line.startsWith('a=candidate:'))).toEqual(['a=candidate:2 1 udp 2122194687 10.0.0.7 41234 typ host generation 0'])
    expect(out.split('\r\n').filter(line => !line.startsWith('a=candidate:'))).toEqual(sdp.split('\r\n').filter(line => !line.startsWith('a=candidate:')))
  })

  it('leaves the SDP alone for a wildcard or a host name', () => {
    for (const host of ['0.0.0.0', '::', '[::]', 'localhost']) expect(sdpWithCandidatesOn(sdp, host)).toBe(sdp)
    expect([isOneAddress('127.0.0.1'), isOneAddress('[::1]'), isOneAddress('0.0.0.0'), isOneAddress('::'), isOneAddress('seed.example.org')]).toEqual([true, true, false, false, false])
  })
})

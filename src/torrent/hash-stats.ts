/**
 * Process-wide count of the SHA-1 piece hashes seedcast computes (every one goes through
 * the hasher: create, verify, and the seeder's check before it serves). Tests and the
 * seeder's figures read it to prove that a fast resume hashed nothing.
 */
export const hashStats = {
  piecesHashed: 0,
  /** Hash jobs started early (hash-lanes.ts startEarlyHash) that the command then took over. */
  earlyTakenOver: 0
}

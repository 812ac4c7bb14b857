/**
 * Process-wide count of SHA-1 piece hashes computed. Seeding code reads it to prove that
 * resuming a torrent did not re-hash its data.
 */
export const hashStats = { piecesHashed: 0 }

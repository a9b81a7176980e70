import Crypto
import Foundation

/// The journal's public witness of one day: where each of the 16 lanes stood at the end of that day (Europe/Paris), and
/// the SHA-256 of that cut. Published, it binds the whole history before it: an entry changed afterwards either breaks
/// its lane's chain or, re-chained, changes the hash at the cut, which no longer matches what others keep.
public struct JournalWitness: Hashable, Sendable {
    /// One lane at the cut: its last entry's sequence and hash (0 and the genesis when the lane had no entry yet).
    public struct LaneHead: Hashable, Sendable {
        public let lane: Int64
        public let sequence: Int64
        public let hash: String

        public init(lane: Int64, sequence: Int64, hash: String) {
            (self.lane, self.sequence, self.hash) = (lane, sequence, hash)
        }
    }

    public let day: CivilDate
    /// One per lane, lanes 0…15 in order.
    public let heads: [LaneHead]

    /// `heads` may name some lanes only: the others had no entry (sequence 0, the genesis hash).
    public init(day: CivilDate, heads: [LaneHead]) {
        self.day = day
        let byLane = Dictionary(heads.map { ($0.lane, $0) }, uniquingKeysWith: { first, _ in first })
        self.heads = (0..<JournalChain.lanes).map { byLane[$0] ?? LaneHead(lane: $0, sequence: 0, hash: JournalChain.genesis) }
    }

    /// The text hashed, defined once:
    ///
    ///     passnum-journal-witness-v1
    ///     2026-11-28
    ///     0 1234 <hash of lane 0's entry 1234>
    ///     …
    ///     15 987 <hash of lane 15's entry 987>
    ///
    /// one line per lane (lane, sequence, hash, separated by a space), each ending with a line feed.
    public var canonical: String {
        "passnum-journal-witness-v1\n\(day.description)\n" + heads.map { "\($0.lane) \($0.sequence) \($0.hash)\n" }.joined()
    }

    /// SHA-256 of `canonical`, in lowercase hexadecimal.
    public var hash: String {
        SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The sequences of the cut, "s0 s1 … s15", as stored and published next to the hash.
    public var sequences: String { heads.map { String($0.sequence) }.joined(separator: " ") }
}

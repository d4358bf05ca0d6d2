/// Apache's quorum packet type numbers (`Leader.java` constants); they go on the wire in `QuorumPacket.type`.
public enum QuorumPacketType: Int32, Sendable, Hashable, CaseIterable {
    case request = 1
    case proposal = 2
    case ack = 3
    case commit = 4
    case ping = 5
    case revalidate = 6
    case sync = 7
    case inform = 8
    case commitAndActivate = 9
    case newLeader = 10
    case followerInfo = 11
    case upToDate = 12
    case diff = 13
    case trunc = 14
    case snap = 15
    case observerInfo = 16
    case leaderInfo = 17
    case ackEpoch = 18
    case informAndActivate = 19
}

import ZKJute
import ZKProtocol

/// A client connection, as numbered by the I/O shell.
public typealias ConnectionID = UInt64

/// Where the core's effects go. The shell implements it by writing into each channel's outbound buffer
/// and flushing once per read batch; tests implement it by recording.
public protocol ServerOutput: AnyObject {
    func send<R: JuteEncodable>(_ connection: ConnectionID, _ header: ReplyHeader, _ record: R)
    func send(_ connection: ConnectionID, _ header: ReplyHeader)
    func sendConnectResponse(_ connection: ConnectionID, _ response: ConnectResponse)
    func sendEvent(_ connection: ConnectionID, _ event: WatcherEvent)
    /// Closes the connection once what was sent before is written.
    func close(_ connection: ConnectionID)
    /// Stops reading the connection (false) or reads it again (true): a client with too many requests
    /// outstanding waits, and what it sends waits in the kernel.
    func setReading(_ connection: ConnectionID, _ reading: Bool)
}

extension ServerOutput {
    public func setReading(_ connection: ConnectionID, _ reading: Bool) {}
}

// The records of ZKClient's API (ACL, Stat, CreateMode, WatchedEvent, ErrorCode, ...) are ZKProtocol's;
// `import ZKClient` alone makes them available, so a user needs no second module.
@_exported import ZKProtocol

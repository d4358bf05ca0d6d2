// A program of another package: `import ZKClient` alone gives the client and its records (ACL, Stat,
// CreateMode, ZooKeeperError), as a user of the library by version sees them.
import ZKClient

let server = CommandLine.arguments.dropFirst().first ?? "127.0.0.1:2181"
let client = try await ZooKeeperClient.connect(server)
let path = "/consumer-check"
if try await client.exists(path) != nil { try await client.delete(path) }
let created = try await client.create(path, data: Array("from another package".utf8), acl: ACL.openACLUnsafe, mode: CreateMode.persistent)
let (data, stat): ([UInt8], Stat) = try await client.getData(path)
do {
    _ = try await client.create(path)
} catch let error as ZooKeeperError {
    print("second create: \(error.code)")
}
try await client.delete(path, version: stat.version)
await client.close()
print("\(created): \(String(decoding: data, as: UTF8.self)) (version \(stat.version))")

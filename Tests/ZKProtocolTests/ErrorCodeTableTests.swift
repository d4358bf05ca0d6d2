import Testing
import ZKProtocol

/// ErrorCode raw values against KeeperException.Code (reference facts §1).
@Suite struct ErrorCodeTableTests {
    static let apache: [(ErrorCode, Int32, String)] = [
        (.ok, 0, "OK"),
        (.systemError, -1, "SYSTEMERROR"), (.runtimeInconsistency, -2, "RUNTIMEINCONSISTENCY"),
        (.dataInconsistency, -3, "DATAINCONSISTENCY"), (.connectionLoss, -4, "CONNECTIONLOSS"),
        (.marshallingError, -5, "MARSHALLINGERROR"), (.unimplemented, -6, "UNIMPLEMENTED"),
        (.operationTimeout, -7, "OPERATIONTIMEOUT"), (.badArguments, -8, "BADARGUMENTS"),
        (.unknownSession, -12, "UNKNOWNSESSION"), (.newConfigNoQuorum, -13, "NEWCONFIGNOQUORUM"),
        (.reconfigInProgress, -14, "RECONFIGINPROGRESS"),
        (.apiError, -100, "APIERROR"), (.noNode, -101, "NONODE"), (.noAuth, -102, "NOAUTH"),
        (.badVersion, -103, "BADVERSION"), (.noChildrenForEphemerals, -108, "NOCHILDRENFOREPHEMERALS"),
        (.nodeExists, -110, "NODEEXISTS"), (.notEmpty, -111, "NOTEMPTY"), (.sessionExpired, -112, "SESSIONEXPIRED"),
        (.invalidCallback, -113, "INVALIDCALLBACK"), (.invalidACL, -114, "INVALIDACL"), (.authFailed, -115, "AUTHFAILED"),
        (.sessionMoved, -118, "SESSIONMOVED"), (.notReadOnly, -119, "NOTREADONLY"),
        (.ephemeralOnLocalSession, -120, "EPHEMERALONLOCALSESSION"), (.noWatcher, -121, "NOWATCHER"),
        (.requestTimeout, -122, "REQUESTTIMEOUT"), (.reconfigDisabled, -123, "RECONFIGDISABLED"),
        (.sessionClosedRequireSaslAuth, -124, "SESSIONCLOSEDREQUIRESASLAUTH"), (.quotaExceeded, -125, "QUOTAEXCEEDED"),
        (.throttledOp, -127, "THROTTLEDOP"),
    ]

    @Test func everyRawValueMatchesApache() {
        for (code, value, javaName) in Self.apache { #expect(code.rawValue == value, "\(javaName)") }
        #expect(ErrorCode.all.count == Self.apache.count)
        #expect(ErrorCode.all.map(\.rawValue) == Self.apache.map(\.1))
    }

    /// `name` is the Java constant in CamelCase: the same letters, ignoring case.
    @Test func namesSpellTheJavaConstants() {
        for (code, _, javaName) in Self.apache { #expect(code.name.uppercased() == javaName, "\(code.rawValue)") }
        #expect(Set(ErrorCode.all.map(\.name)).count == ErrorCode.all.count)
    }

    @Test func someNames() {
        #expect(ErrorCode.ok.name == "OK")
        #expect(ErrorCode.noNode.name == "NoNode")
        #expect(ErrorCode.nodeExists.name == "NodeExists")
        #expect(ErrorCode.apiError.name == "APIError")
        #expect(ErrorCode.sessionExpired.name == "SessionExpired")
        #expect(ErrorCode.invalidACL.name == "InvalidACL")
        #expect(ErrorCode(rawValue: -101).name == "NoNode")
        #expect(ErrorCode.badVersion.description == "BadVersion")
    }

    @Test func unknownCodesStillRoundTrip() {
        let odd = ErrorCode(rawValue: -9999)
        #expect(odd.name == "Error(-9999)")
        #expect(odd.rawValue == -9999)
        #expect(!ErrorCode.all.contains(odd))
        #expect(ReplyHeader(xid: 1, zxid: 0, err: odd).error == odd)
    }
}

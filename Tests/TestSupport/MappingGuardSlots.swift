import ThresherSystem

/// Claims every free mapping-guard slot (recursively: a slot is not
/// copyable, so each stays borrowed until the calls return), runs `body`
/// with all taken and returns how many were claimed.
@discardableResult
public func withEveryMappingSlotTaken(_ body: () throws -> Void) rethrows -> Int {
    guard let slot = MappingGuard.claimSlot() else {
        try body()
        return 0
    }
    var page = UInt8(0)
    return try withUnsafeBytes(of: &page) { raw in
        try slot.protect(raw.baseAddress!, length: 1) { try withEveryMappingSlotTaken(body) + 1 }
    }
}

/// The ASCII character classes of SPEC §9's patterns, one bit each in a
/// 256-entry table, so a class test is one load and one AND. Bytes of
/// 0x80 and above are in no class: non-ASCII is always a boundary.
struct ByteClass: OptionSet {
    let rawValue: UInt16

    /// `[A-Za-z0-9]`
    static let alnum = ByteClass(rawValue: 1 << 0)
    /// `[A-Za-z0-9_]`
    static let word = ByteClass(rawValue: 1 << 1)
    /// `[A-Za-z0-9_-]`
    static let token = ByteClass(rawValue: 1 << 2)
    /// `[A-Za-z0-9-]`
    static let slackBody = ByteClass(rawValue: 1 << 3)
    /// `[A-Z0-9]`
    static let upperDigit = ByteClass(rawValue: 1 << 4)
    /// `[A-Z0-9 ]`, a PEM label
    static let pemLabel = ByteClass(rawValue: 1 << 5)
    /// `[A-Za-z0-9._~+/-]`, a bearer token
    static let bearer = ByteClass(rawValue: 1 << 6)
    /// `[A-Za-z0-9+.-]`, a URL scheme
    static let scheme = ByteClass(rawValue: 1 << 7)
    /// `[A-Za-z0-9._~%+-]`, a URL user
    static let urlUser = ByteClass(rawValue: 1 << 8)
    /// `[A-Za-z0-9._~%!$&*+,;=-]`, a URL password
    static let urlPassword = ByteClass(rawValue: 1 << 9)
    /// `[A-Za-z0-9_.-]`, an assigned name
    static let name = ByteClass(rawValue: 1 << 10)
    /// `[A-Za-z0-9+/=_.~!@#$%^&*-]`, an assigned value
    static let value = ByteClass(rawValue: 1 << 11)
    /// `[A-Za-z0-9._%+-]`, an e-mail local part
    static let local = ByteClass(rawValue: 1 << 12)
    /// `[A-Za-z0-9.-]`, an e-mail domain
    static let domain = ByteClass(rawValue: 1 << 13)
    /// `[A-Za-z]`
    static let letter = ByteClass(rawValue: 1 << 14)
    /// `[0-9]`
    static let digit = ByteClass(rawValue: 1 << 15)

    static let table: [UInt16] = {
        var table = [UInt16](repeating: 0, count: 256)
        func add(_ set: ByteClass, _ characters: String) {
            for byte in characters.utf8 { table[Int(byte)] |= set.rawValue }
        }
        let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", lower = "abcdefghijklmnopqrstuvwxyz", digits = "0123456789"
        let letters = upper + lower, alnum = letters + digits
        add(.alnum, alnum)
        add(.word, alnum + "_")
        add(.token, alnum + "_-")
        add(.slackBody, alnum + "-")
        add(.upperDigit, upper + digits)
        add(.pemLabel, upper + digits + " ")
        add(.bearer, alnum + "._~+/-")
        add(.scheme, alnum + "+.-")
        add(.urlUser, alnum + "._~%+-")
        add(.urlPassword, alnum + "._~%!$&*+,;=-")
        add(.name, alnum + "_.-")
        add(.value, alnum + "+/=_.~!@#$%^&*-")
        add(.local, alnum + "._%+-")
        add(.domain, alnum + ".-")
        add(.letter, letters)
        add(.digit, digits)
        return table
    }()
}

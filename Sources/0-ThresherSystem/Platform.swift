// The one place that names the C library. Every Thresher module reaches
// libc (memchr, pread, mmap, …) through this module, so the platform
// condition lives here and nowhere else.
#if canImport(Glibc)
@_exported import Glibc
public typealias FileStatus = Glibc.stat
#elseif canImport(Musl)
@_exported import Musl
public typealias FileStatus = Musl.stat
#else
#error("Thresher builds on Linux (glibc or musl) only")
#endif

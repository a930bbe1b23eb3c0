#if canImport(Glibc)
import Glibc
#endif

/// Gives the free heap back to the system after a large transient read (glibc keeps it
/// otherwise, and the process looks as large as its peak): `malloc_trim(0)`, looked up at run
/// time so that other C libraries simply skip it.
public enum HeapTrim {
    public static func releaseFreeMemory() {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        let trim = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        _ = trim(0)
        #endif
    }
}

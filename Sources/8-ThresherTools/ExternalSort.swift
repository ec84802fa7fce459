import ThresherSystem

/// Fixed-size records sorted with bounded memory: appended in any order,
/// sorted in memory in runs of at most `runLength`, each full run written
/// to a nameless scratch file, and read back as one stream merged in order.
/// Memory: one run while appending, one block per run while reading; a
/// sort whose records fit one run never touches the disk. What `thresh
/// merge` sorts its dedup keys and first places with, so that 100 million
/// keys take a few hundred MB, not a hash table of 100 million entries.
struct ExternalSorter<Element: BitwiseCopyable> {
    private let directory: String
    private let runLength: Int
    private let less: (Element, Element) -> Bool
    private var buffer: [Element] = []
    private var file: UnnamedFile?
    /// Each written run: where it starts (in elements) and how many it holds.
    private var runs: [(start: Int, count: Int)] = []
    private var written = 0
    private static var stride: Int { MemoryLayout<Element>.stride }

    init(directory: String, runLength: Int, by less: @escaping (Element, Element) -> Bool) {
        self.directory = directory
        self.runLength = max(1, runLength)
        self.less = less
    }

    mutating func append(_ element: Element) throws {
        buffer.append(element)
        if buffer.count >= runLength { try writeRun() }
    }

    private mutating func writeRun() throws {
        buffer.sort(by: less)
        if file == nil { file = try UnnamedFile(in: directory) }
        try file!.write(buffer, fromIndex: written)
        runs.append((written, buffer.count))
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Every element appended, in order.
    consuming func sorted() throws -> Merged {
        guard let file else {
            buffer.sort(by: less)
            return Merged(memory: buffer, less: less)
        }
        if !buffer.isEmpty { try writeRun() }
        buffer = []
        return try Merged(file: file, runs: runs, less: less)
    }

    /// The merged stream: a binary heap of the runs' current heads.
    struct Merged {
        private let less: (Element, Element) -> Bool
        private var memory: [Element] = []
        private var position = 0
        private var readers: [RunReader] = []
        /// Indexes of readers, a min-heap by their head.
        private var heap: [Int] = []

        init(memory: [Element], less: @escaping (Element, Element) -> Bool) {
            self.memory = memory
            self.less = less
        }

        init(file: UnnamedFile, runs: [(start: Int, count: Int)], less: @escaping (Element, Element) -> Bool) throws {
            self.less = less
            // Blocks of 64 KiB per run at most; a few hundred runs fit in tens of MB.
            let block = max(1, (64 << 10) / ExternalSorter.stride)
            readers = try runs.map { try RunReader(file: file, start: $0.start, count: $0.count, block: block) }
            for index in readers.indices where readers[index].head != nil { push(index) }
        }

        mutating func next() throws -> Element? {
            if readers.isEmpty {
                guard position < memory.count else { return nil }
                position += 1
                return memory[position - 1]
            }
            guard let top = heap.first else { return nil }
            let element = readers[top].head!
            try readers[top].advance()
            if readers[top].head == nil {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
            return element
        }

        private func precedes(_ a: Int, _ b: Int) -> Bool { less(readers[a].head!, readers[b].head!) }

        private mutating func push(_ reader: Int) {
            heap.append(reader)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard precedes(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }

        private mutating func siftDown(_ start: Int) {
            var parent = start
            while true {
                var smallest = parent
                for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count && precedes(heap[child], heap[smallest]) {
                    smallest = child
                }
                guard smallest != parent else { return }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    /// One written run, read a block at a time.
    struct RunReader {
        let file: UnnamedFile
        var next: Int
        let end: Int
        let block: Int
        var buffer: [Element] = []
        var position = 0
        private(set) var head: Element?

        init(file: UnnamedFile, start: Int, count: Int, block: Int) throws {
            self.file = file
            next = start
            end = start + count
            self.block = block
            try advance()
        }

        mutating func advance() throws {
            if position == buffer.count {
                guard next < end else {
                    head = nil
                    return
                }
                let count = min(block, end - next)
                buffer = try file.read(Element.self, count: count, fromIndex: next)
                next += count
                position = 0
            }
            head = buffer[position]
            position += 1
        }
    }
}

/// Fixed-size records appended in order and read back by index, kept in a
/// nameless scratch file: a buffer for appending and one cached block for
/// reading, so reads in (mostly) increasing order cost one `pread` a block.
struct ScratchArray<Element: BitwiseCopyable> {
    private let file: UnnamedFile
    private var pending: [Element] = []
    private(set) var count = 0
    private var flushed = 0
    private var block: [Element] = []
    private var blockStart = -1
    private static var stride: Int { MemoryLayout<Element>.stride }
    private static var blockLength: Int { max(1, (64 << 10) / stride) }

    init(directory: String) throws {
        file = try UnnamedFile(in: directory)
    }

    mutating func append(_ element: Element) throws {
        pending.append(element)
        count += 1
        if pending.count >= Self.blockLength { try flush() }
    }

    private mutating func flush() throws {
        guard !pending.isEmpty else { return }
        try file.write(pending, fromIndex: flushed)
        flushed += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    mutating func element(at index: Int) throws -> Element {
        precondition(index < count)
        if index >= flushed { return pending[index - flushed] }
        let start = index / Self.blockLength * Self.blockLength
        if start != blockStart {
            let length = min(Self.blockLength, flushed - start)
            block = try file.read(Element.self, count: length, fromIndex: start)
            blockStart = start
        }
        return block[index - start]
    }
}

// swift-tools-version:6.0
// Strata: an embeddable, columnar context database for AI agents.
// Layers and dependency direction are fixed by ARCHITECTURE.md; arrows point down only.
import PackageDescription

let package = Package(
    name: "Strata",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Strata", targets: ["Strata"]),
        // OpenAI-compatible embedders and summarisers for the context layer.
        .library(name: "StrataModels", targets: ["StrataModels"]),
        .executable(name: "strata", targets: ["StrataCLI"]),
        .executable(name: "strata-bench", targets: ["StrataBench"]),
        .executable(name: "strata-peer-runner", targets: ["StrataPeerRunner"]),
        .executable(name: "strata-context-eval", targets: ["StrataContextEval"]),
        .executable(name: "strata-conformance-generator", targets: ["StrataConformanceGenerator"]),
        .executable(name: "strata-crash-writer", targets: ["StrataCrashWriter"]),
        // The bodies of the fuzz targets, for the libFuzzer package in Fuzz/ and for regression tests.
        .library(name: "StrataFuzzKit", targets: ["StrataFuzzKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // C shims: one system library each, installed from Debian's -dev packages.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        // libedit: the shell's line editing, history and completion (the executable only).
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // Debian's libroaring-dev ships no pkg-config file: the modulemap links `roaring`.
        .systemLibrary(name: "CRoaring", providers: [.apt(["libroaring-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // Snowball stemmers; libstemmer-dev ships no pkg-config file: the modulemap links `stemmer`.
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),

        // Float32 distance kernels in C with run-time dispatch to AVX2/AVX-512 (function
        // target attributes, no package-wide flags); used by StrataKernels only.
        .target(name: "CStrataSIMD"),

        // Layers, bottom up.
        .target(name: "StrataKernels", dependencies: ["CXXHash", "CRoaring", "CStrataSIMD"]),
        .target(name: "StrataCore", dependencies: ["StrataKernels"]),
        .target(name: "StrataStorage", dependencies: ["StrataCore"]),
        .target(
            name: "StrataFormat",
            dependencies: [
                "StrataCore", "StrataKernels", "StrataStorage", "CZstd", "CLZ4",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(name: "StrataIndex", dependencies: ["StrataCore", "StrataKernels", "CStrataSIMD", "COpenBLAS", "CStemmer"]),
        .target(
            name: "StrataTable",
            dependencies: [
                "StrataCore", "StrataKernels", "StrataStorage", "StrataFormat", "StrataIndex",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(name: "StrataQuery", dependencies: ["StrataCore", "StrataKernels", "StrataIndex", "StrataTable"]),
        .target(name: "StrataSQL", dependencies: ["StrataCore", "StrataKernels", "StrataStorage", "StrataIndex", "StrataTable", "StrataQuery"]),
        .target(name: "StrataContext", dependencies: ["StrataCore", "StrataIndex", "StrataTable", "StrataQuery", "StrataSQL"]),
        // The OpenAI-compatible HTTP adapters (embeddings, chat summaries): off the core, so
        // an application that does not use them does not link the networking stack.
        .target(name: "StrataModels", dependencies: ["StrataCore", "StrataContext"]),
        .target(name: "Strata", dependencies: ["StrataCore", "StrataKernels", "StrataStorage", "StrataFormat", "StrataIndex", "StrataTable", "StrataQuery", "StrataSQL", "StrataContext"]),
        // The shell's session — input, dot-commands, output modes, errors, progress — apart
        // from the terminal, so tests drive it in-process (spec/shell.md).
        .target(name: "StrataShell", dependencies: ["Strata", "StrataQuery", "StrataModels"]),
        .executableTarget(
            name: "StrataCLI",
            dependencies: ["Strata", "StrataShell", "StrataModels", "CEditLine", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Tools: benchmarks and the conformance fixture generator.
        .executableTarget(name: "StrataBench", dependencies: ["Strata"], path: "Benchmarks/StrataBench"),
        // The runner of the shared peer harness (protocol strata-peers/1).
        .executableTarget(name: "StrataPeerRunner", dependencies: ["Strata"], path: "Benchmarks/PeerRunner"),
        // The context layer's retrieval-quality and latency evaluation (Benchmarks/run_context.sh).
        .executableTarget(name: "StrataContextEval", dependencies: ["Strata"], path: "Benchmarks/ContextEval"),
        .executableTarget(
            name: "StrataConformanceGenerator",
            dependencies: ["Strata", "StrataKernels", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "spec/conformance/generator"
        ),

        .target(
            name: "StrataFuzzKit",
            dependencies: ["Strata", "StrataKernels", "StrataIndex", "StrataTable", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Fuzz/Kit"
        ),

        // Tests.
        .target(name: "TestSupport", dependencies: ["Strata"], path: "Tests/TestSupport"),
        .testTarget(name: "StrataKernelsTests", dependencies: ["StrataKernels", "CStrataSIMD", "TestSupport"]),
        .testTarget(name: "StrataCoreTests", dependencies: ["StrataCore", "TestSupport"]),
        .testTarget(name: "StrataStorageTests", dependencies: ["StrataStorage", "TestSupport"]),
        .testTarget(
            name: "StrataFormatTests",
            dependencies: ["StrataFormat", "StrataFuzzKit", "TestSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // The child process of the table's crash and multi-process tests.
        .executableTarget(name: "StrataCrashWriter", dependencies: ["Strata"], path: "Tests/CrashWriter"),
        .testTarget(name: "StrataIndexTests", dependencies: ["StrataIndex", "StrataKernels", "TestSupport"]),
        .testTarget(name: "StrataTableTests", dependencies: ["Strata", "StrataTable", "TestSupport"]),
        .testTarget(name: "StrataQueryTests", dependencies: ["Strata", "StrataQuery", "TestSupport"]),
        .testTarget(name: "StrataSQLTests", dependencies: ["Strata", "StrataFuzzKit", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "StrataContextTests", dependencies: ["Strata", "StrataModels", "TestSupport"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Strata", "TestSupport"]),
        .testTarget(name: "StrataShellTests", dependencies: ["Strata", "StrataShell", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "StrataCLITests", dependencies: ["TestSupport"], exclude: ["pty_session.py"]),
    ]
)

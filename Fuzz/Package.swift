// swift-tools-version:6.0
// libFuzzer targets for Strata's decoders. Kept out of the main package: a fuzz target has no
// `main` of its own (libFuzzer provides it), so it links only with -sanitize=fuzzer.
// Build and run one with ./run.sh TARGET SECONDS.
import PackageDescription

let package = Package(
    name: "StrataFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Strata", path: "..")],
    targets: [
        .executableTarget(name: "FuzzFileReader", dependencies: [.product(name: "StrataFuzzKit", package: "Strata")], path: "FileReader"),
        .executableTarget(name: "FuzzMetadata", dependencies: [.product(name: "StrataFuzzKit", package: "Strata")], path: "Metadata"),
        .executableTarget(name: "FuzzText", dependencies: [.product(name: "StrataFuzzKit", package: "Strata")], path: "Text"),
        .executableTarget(name: "FuzzTableObjects", dependencies: [.product(name: "StrataFuzzKit", package: "Strata")], path: "TableObjects"),
        .executableTarget(name: "FuzzVectorIndex", dependencies: [.product(name: "StrataFuzzKit", package: "Strata")], path: "VectorIndex"),
        .executableTarget(name: "FuzzTextIndex", dependencies: [.product(name: "StrataFuzzKit", package: "Strata")], path: "TextIndex"),
        .executableTarget(name: "FuzzScalarIndex", dependencies: [.product(name: "StrataFuzzKit", package: "Strata")], path: "ScalarIndex"),
        .executableTarget(name: "FuzzSQL", dependencies: [.product(name: "StrataFuzzKit", package: "Strata")], path: "SQL"),
        .executableTarget(name: "FuzzExpression", dependencies: [.product(name: "StrataFuzzKit", package: "Strata")], path: "Expression"),
        .executableTarget(name: "FuzzImport", dependencies: [.product(name: "StrataFuzzKit", package: "Strata")], path: "Import"),
    ]
)

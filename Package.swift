// swift-tools-version:6.1
import PackageDescription

// Versions are pinned to the ones mirrored on the build machines (see README, "Dependencies").
let package = Package(
    name: "passnum",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "passnum", targets: ["passnum"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", exact: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent-kit.git", exact: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", exact: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", exact: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", exact: "3.36.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        // Already there through Vapor; named for the SMTP client (PassnumApp/Mail/SMTPClient.swift).
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV.git", exact: "0.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", exact: "0.9.20"),
        // /metrics in Prometheus' text format (PassnumApp/Observability).
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        // Tests only: the pages' HTML pinned by snapshot files.
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", exact: "1.19.7"),
    ],
    targets: [
        // Business rules only: no web framework, no database.
        .target(
            name: "PassnumDomain",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Schema, migrations and the business operations as SQL transactions.
        .target(
            name: "PassnumPersistence",
            dependencies: [
                "PassnumDomain",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Debian's libqrencode (libqrencode-dev), for the QR codes printed on the checks.
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // Print-ready booklets: a streaming PDF writer and the printers' CSV. Knows nothing of the database.
        .target(name: "PassnumPrint", dependencies: ["CQRencode"]),
        // The Vapor application: configuration, HTTP routes, CLI commands.
        .target(
            name: "PassnumApp",
            dependencies: [
                "PassnumDomain",
                "PassnumPersistence",
                "PassnumPrint",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The partner API's OpenAPI document, served as is (found in the resource bundle beside the binary).
            resources: [.copy("API/openapi.json")]
        ),
        .executableTarget(name: "passnum", dependencies: ["PassnumApp"]),
        .testTarget(name: "PassnumDomainTests", dependencies: ["PassnumDomain"]),
        .testTarget(name: "PassnumPrintTests", dependencies: ["PassnumPrint"]),
        // The fixtures are read from the source tree (#filePath), not bundled.
        .testTarget(name: "PassnumPersistenceTests", dependencies: ["PassnumPersistence", "PassnumDomain", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                    exclude: ["Fixtures"]),
        .testTarget(
            name: "PassnumAppTests",
            dependencies: ["PassnumApp", .product(name: "VaporTesting", package: "vapor"),
                           .product(name: "SnapshotTesting", package: "swift-snapshot-testing")],
            exclude: ["__Snapshots__"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

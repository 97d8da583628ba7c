// The umbrella module: `import Strata` gives an application the whole public API.
@_exported import StrataCore
@_exported import StrataFormat
@_exported import StrataStorage
@_exported import StrataTable
@_exported import StrataIndex
@_exported import StrataKernels
@_exported import StrataQuery
@_exported import StrataSQL
@_exported import StrataContext

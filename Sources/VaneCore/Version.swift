/// The version Vane reports on `/version`, in the `Server` header and by `vane version`.
public let vaneVersion = "0.1.0"

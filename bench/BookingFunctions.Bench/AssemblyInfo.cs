using System.Runtime.Versioning;

// The bench starts PostgreSQL from the local Linux binaries (LocalPostgres) and runs only there.
[assembly: UnsupportedOSPlatform("windows")]

// The collections each run a whole cluster (and share the project-local PostgreSQL and Azurite folders):
// one at a time, so they neither restart each other's services nor compete for the CI machine's two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The tests drive bash scripts and read /proc: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

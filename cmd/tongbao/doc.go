// Command tongbao is Tongbao's one binary: it parses and ingests bulletins,
// runs the service (serve), the local demo and chat, and the operator
// commands. Run `tongbao help` for the list.
//
// App (app.go) is what main and the end-to-end tests run: it parses the
// command line, loads the configuration (config.go: one struct embedding
// the packages' configs, TONGBAO_* overrides, Validate) and runs a command.
// Each command has its own file, named after it (serve.go, demo.go,
// ingest.go, broadcast.go, sources.go …); common.go holds what they share
// (the common flags, opening the store, the operator log), and serve.go
// wires the service every long-running command runs.
package main

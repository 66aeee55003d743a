// Package configs holds the example configuration files that ship with
// Tongbao; the binary embeds them so it runs with sensible defaults from any
// directory.
package configs

import "embed"

// Topics is the built-in topic list (topics.yaml).
//
//go:embed topics.yaml
var Topics []byte

// Samples are the sample bulletins `tongbao demo` starts with.
//
//go:embed samples/*.txt samples/*.html
var Samples embed.FS

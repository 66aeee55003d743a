//go:build !race

package dispatch_test

// raceEnabled: the race detector is on, and timing figures mean nothing.
const raceEnabled = false

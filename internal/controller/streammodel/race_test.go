//go:build race

package streammodel

const raceEnabled = true

//go:build !race

package streammodel

const raceEnabled = false

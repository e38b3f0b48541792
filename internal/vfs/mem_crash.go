package vfs

import (
	"maps"
	"math/rand/v2"
	"slices"
)

// CrashPolicy says what a simulated power loss keeps of data that was
// written but not synced. The zero policy drops all of it.
type CrashPolicy struct {
	// Rand, when set, makes a crash keep a random prefix (possibly empty,
	// possibly all) of the bytes appended to each file since its last Sync,
	// as a disk that wrote some of the pages of an interrupted write would.
	// Bytes changed below the synced length (overwrites, truncations) are
	// always reverted.
	Rand *rand.Rand
	// Garble, with Rand set, additionally overwrites a few of the kept
	// unsynced bytes with random values (a torn sector), sometimes.
	Garble bool
}

// SetCrashPolicy sets the policy used by later calls to Crash and
// CrashClone.
func (m *MemFS) SetCrashPolicy(p CrashPolicy) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.policy = p
}

// Crash simulates a power loss in place: every directory reverts to its
// entries as of its last SyncDir, every file keeps only its synced bytes
// (plus what the CrashPolicy lets survive), and every file handle open
// before the crash fails from now on with ErrCrashed.
//
// Operations that a still-running user makes by name after Crash (Create,
// Remove, ...) apply to the crashed state. Tests that keep the old user
// running until they stop it should use CrashClone instead.
func (m *MemFS) Crash() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dirs = m.crashStateLocked()
	m.epoch++
}

// CrashClone returns a new MemFS holding what a power loss at this instant
// would leave (see Crash); m itself, and its open handles, carry on
// unchanged. The clone has m's crash policy.
func (m *MemFS) CrashClone() *MemFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	return &MemFS{dirs: m.crashStateLocked(), policy: m.policy}
}

// crashStateLocked builds the post-crash directory tree as new objects.
// Every node reachable from a durable directory entry is replaced by a copy
// holding its post-crash bytes, which are then also its durable bytes.
func (m *MemFS) crashStateLocked() map[string]*memDir {
	survivors := make(map[*memNode]*memNode)
	dirs := make(map[string]*memDir, len(m.dirs))
	// Visit directories and names in sorted order so that a seeded policy
	// gives the same result every time.
	for _, p := range slices.Sorted(maps.Keys(m.dirs)) {
		d := m.dirs[p]
		nd := newMemDir()
		for _, name := range slices.Sorted(maps.Keys(d.synced)) {
			old := d.synced[name]
			n, ok := survivors[old]
			if !ok {
				n = &memNode{data: m.crashBytesLocked(old)}
				n.sync()
				survivors[old] = n
			}
			nd.files[name] = n
			nd.synced[name] = n
		}
		dirs[p] = nd
	}
	return dirs
}

// crashBytesLocked returns a fresh copy of what survives of n.
func (m *MemFS) crashBytesLocked(n *memNode) []byte {
	r := m.policy.Rand
	if r == nil || !n.prefix || len(n.data) == len(n.synced) {
		return slices.Clone(n.synced)
	}
	unsynced := len(n.data) - len(n.synced)
	keep := len(n.synced) + r.IntN(unsynced+1)
	out := slices.Clone(n.data[:keep])
	if m.policy.Garble && keep > len(n.synced) && r.IntN(2) == 0 {
		for range 1 + r.IntN(4) {
			i := len(n.synced) + r.IntN(keep-len(n.synced))
			out[i] = byte(r.Uint32())
		}
	}
	return out
}

package tables

import (
	"fmt"

	"github.com/sluicestream/sluice/internal/segmentstore/container"
)

// Create creates a table segment: a hash table if keyLength is 0, a table of
// keyLength-byte keys (sorted iteration) otherwise. done runs once the
// creation is durable.
func (ts *Tables) Create(name string, keyLength int32, rolloverSize int64, done func(error)) {
	if keyLength < 0 || keyLength > MaxKeyLength {
		done(invalid("key length %d outside [0, %d]", keyLength, MaxKeyLength))
		return
	}
	attrs := []container.AttributeUpdate{
		{ID: AttrKeyLength, Type: container.UpdateReplace, Value: int64(keyLength)},
		{ID: container.AttrRolloverSize, Type: container.UpdateReplace, Value: max(rolloverSize, 0)},
	}
	ts.ctr.Create(name, container.KindTable, attrs, func(err error) {
		if err == nil {
			ts.forget(name) // state left from an earlier segment of that name
		}
		done(err)
	})
}

// Delete deletes a table segment; with mustBeEmpty only if it has no keys
// (hash tables only), else ErrNotEmpty.
func (ts *Tables) Delete(name string, mustBeEmpty bool, done func(error)) {
	finish := func(err error) {
		if err == nil {
			ts.forget(name)
			ts.deleteSnapshot(name)
		}
		done(err)
	}
	if !mustBeEmpty {
		info, err := ts.ctr.Info(name)
		if err == nil && info.Kind != container.KindTable {
			err = invalid("%q is not a table segment", name)
		}
		if err != nil {
			done(err)
			return
		}
		ts.ctr.Delete(name, finish)
		return
	}
	for {
		t, err := ts.get(name)
		if err != nil {
			done(err)
			return
		}
		t.wmu.Lock()
		t.mu.Lock()
		if t.mu.dead {
			t.mu.Unlock()
			t.wmu.Unlock()
			continue
		}
		if t.mu.keyLength > 0 {
			t.mu.Unlock()
			t.wmu.Unlock()
			done(unsupported("DeleteTableSegment with mustBeEmpty on a fixed-key-length table segment"))
			return
		}
		if n := t.mu.accCount; n > 0 {
			after := t.afterLocked(t.mu.accSeq, func(werr error) {
				if werr == nil {
					werr = fmt.Errorf("%w: %q has %d keys", ErrNotEmpty, name, n)
				}
				done(werr)
			})
			t.mu.Unlock()
			t.wmu.Unlock()
			if after != nil {
				after()
			}
			return
		}
		t.mu.Unlock()
		// Admitted while t.wmu is held: no write can slip in between the check
		// and the deletion.
		ts.ctr.Delete(name, finish)
		t.wmu.Unlock()
		return
	}
}

// forget discards the state of name, if any.
func (ts *Tables) forget(name string) {
	ts.mu.Lock()
	t := ts.tables[name]
	ts.mu.Unlock()
	if t != nil {
		ts.drop(t)
	}
}

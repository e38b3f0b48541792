package metastore

// condKind enumerates the conditions a write can carry.
type condKind uint8

const (
	condNone condKind = iota
	condNotExist
	condAtRevision
)

// Cond is the precondition of a write. The zero value is Unconditional.
type Cond struct {
	kind condKind
	rev  int64
}

// Unconditional is the condition that always holds.
func Unconditional() Cond { return Cond{} }

// MustNotExist holds iff the key does not exist.
func MustNotExist() Cond { return Cond{kind: condNotExist} }

// AtRevision holds iff the key's ModRevision is rev: the key has not been
// written since it was read at rev. AtRevision(0) holds iff the key does not
// exist, like MustNotExist.
func AtRevision(rev int64) Cond { return Cond{kind: condAtRevision, rev: rev} }

// holds evaluates c against a key's current ModRevision (0 if absent).
func (c Cond) holds(modRev int64) bool {
	switch c.kind {
	case condNotExist:
		return modRev == 0
	case condAtRevision:
		return modRev == c.rev
	}
	return true
}

// PutOption modifies a Put.
type PutOption func(*Op)

// WithLease binds the written key to a lease: the key is deleted when the
// lease expires or is revoked.
func WithLease(id LeaseID) PutOption { return func(o *Op) { o.lease = id } }

// opKind enumerates the operations of a Txn.
type opKind uint8

const (
	opCheck opKind = iota + 1
	opPut
	opDelete
)

// Op is one operation of a Txn. Build it with PutOp, DeleteOp or CheckOp.
type Op struct {
	kind  opKind
	key   string
	value []byte
	cond  Cond
	lease LeaseID
}

// PutOp writes value under key if cond holds.
func PutOp(key string, value []byte, cond Cond, opts ...PutOption) Op {
	o := Op{kind: opPut, key: key, value: value, cond: cond}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// DeleteOp deletes key if cond holds (a no-op if it does not exist).
func DeleteOp(key string, cond Cond) Op {
	return Op{kind: opDelete, key: key, cond: cond}
}

// CheckOp only asserts cond on key; it writes nothing. Use it to make a
// transaction depend on a key it does not change, for example "create the
// stream only if the scope record is still at the revision we read".
func CheckOp(key string, cond Cond) Op {
	return Op{kind: opCheck, key: key, cond: cond}
}

// Key returns the key the operation applies to.
func (o Op) Key() string { return o.key }

// validateOps checks the shape rules shared by every implementation.
func validateOps(ops []Op) error {
	if len(ops) > MaxTxnOps {
		return invalidf("txn has %d ops, more than %d", len(ops), MaxTxnOps)
	}
	written := make(map[string]bool, len(ops))
	for _, o := range ops {
		if o.kind == 0 {
			return invalidf("zero Op in txn")
		}
		if o.key == "" {
			return invalidf("empty key")
		}
		if o.cond.kind == condAtRevision && o.cond.rev < 0 {
			return invalidf("negative revision %d for key %q", o.cond.rev, o.key)
		}
		if o.kind == opCheck {
			continue
		}
		if written[o.key] {
			return invalidf("key %q written twice in one txn", o.key)
		}
		written[o.key] = true
	}
	return nil
}

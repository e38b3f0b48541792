package workflow

import "errors"

// Outcomes the gRPC layer translates into status enums.
var (
	ErrScopeNotFound      = errors.New("scope not found")
	ErrScopeExists        = errors.New("scope already exists")
	ErrScopeNotEmpty      = errors.New("scope not empty")
	ErrStreamNotFound     = errors.New("stream not found")
	ErrStreamExists       = errors.New("stream already exists")
	ErrStreamSealed       = errors.New("stream is sealed")
	ErrStreamNotSealed    = errors.New("stream is not sealed")
	ErrBusy               = errors.New("another operation on the stream is in progress")
	ErrTxnNotFound        = errors.New("transaction not found")
	ErrTxnWrongState      = errors.New("transaction is in the wrong state")
	ErrLeaseOutOfRange    = errors.New("transaction lease out of range")
	ErrKVTNotFound        = errors.New("key-value table not found")
	ErrKVTExists          = errors.New("key-value table already exists")
	ErrRGNotFound         = errors.New("reader group not found")
	ErrInvalidConfig      = errors.New("reader group configuration is stale")
	ErrSubscriberNotFound = errors.New("subscriber not found")
	ErrGenerationMismatch = errors.New("subscriber generation mismatch")
	ErrInvalidCut         = errors.New("stream cut not valid")
	ErrUnknownWriter      = errors.New("unknown writer")
	ErrInvalidTime        = errors.New("writer timestamp went backwards")
	ErrInvalidPosition    = errors.New("writer position went backwards")
	// ErrCrash is returned by a failpoint to simulate a controller crash:
	// the workflow stops where it is and is not retried in this process.
	ErrCrash = errors.New("injected crash")
	// errParked: a scale waits for older transactions before sealing.
	errParked = errors.New("scale waits for transactions of older epochs")
)

package journal

// WaitRemoved waits until the obsolete files handed to the remover so far
// are deleted.
func (j *Journal) WaitRemoved() { j.waitRemoved() }

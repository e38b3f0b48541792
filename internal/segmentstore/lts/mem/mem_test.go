package mem_test

import (
	"testing"

	"github.com/sluicestream/sluice/internal/segmentstore/lts"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/ltstest"
	"github.com/sluicestream/sluice/internal/segmentstore/lts/mem"
)

func TestContract(t *testing.T) {
	ltstest.Run(t, func(t *testing.T) lts.ChunkStorage { return mem.New() })
}

package bench

import (
	"runtime/metrics"
	"sync"
	"time"
)

// GoMemory samples the memory the Go runtime holds from the system (everything it mapped, less
// the heap it has returned) while a run goes on, and keeps the peak: with the process's peak RSS it
// tells how much of the run's memory is Go's (the recommendation planner's areas, mostly) and how
// much DuckDB's, which its memory_limit does not fully bound.
type GoMemory struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

// goMemorySamples are the runtime metrics GoMemory reads: all memory mapped by the runtime, and the
// part of the heap released to the system.
var goMemorySamples = []string{"/memory/classes/total:bytes", "/memory/classes/heap/released:bytes"}

// goMemoryNow returns the memory the Go runtime holds from the system.
func goMemoryNow() uint64 {
	s := make([]metrics.Sample, len(goMemorySamples))
	for i, n := range goMemorySamples {
		s[i].Name = n
	}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64()
}

// SampleGoMemory starts sampling every interval until Stop.
func SampleGoMemory(interval time.Duration) *GoMemory {
	g := &GoMemory{stop: make(chan struct{}), peak: goMemoryNow()}
	g.done.Add(1)
	go func() {
		defer g.done.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-g.stop:
				return
			case <-t.C:
				g.peak = max(g.peak, goMemoryNow())
			}
		}
	}()
	return g
}

// Stop ends the sampling and returns the peak in bytes.
func (g *GoMemory) Stop() int64 {
	close(g.stop)
	g.done.Wait()
	return int64(max(g.peak, goMemoryNow()))
}

//go:build !linux

package pipeline

// exchange: no atomic swap of two paths outside Linux; publication moves the old folder aside.
func exchange(a, b string) error { return exchangeUnsupported(a, b) }

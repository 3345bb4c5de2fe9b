package pipeline

import "errors"

// WarnDamagedMonth starts a manifest warning about an earlier published month whose files do not
// read; `refresh status` shows these warnings.
const WarnDamagedMonth = "damaged earlier month"

// Sentinel outcomes that callers (the CLI's exit-code mapping, the scheduler, backfills) branch on.
var (
	// ErrBadInput means the input could not be used: a missing required column, an unreadable file,
	// or a reject rate over the limit. Nothing was published.
	ErrBadInput = errors.New("bad input")
	// ErrChecksFailed means a blocking check found offending rows. Nothing was published.
	ErrChecksFailed = errors.New("blocking check failed")
	// ErrLocked means another run holds the output directory.
	ErrLocked = errors.New("output locked by another run")
	// ErrCanceled means the run was stopped by a signal or its context. Nothing was published.
	ErrCanceled = errors.New("run canceled")
	// ErrAlreadyPublished means a month was left as it is because it was published while the run
	// waited for the lock (or after the schedule fire the run is for). Nothing was rebuilt.
	ErrAlreadyPublished = errors.New("month already published")
	// ErrSourceNotReady means the source data for the month has not landed by the deadline.
	ErrSourceNotReady = errors.New("source data not ready")
)

package duck

import (
	duckdb "github.com/duckdb/duckdb-go/v2"
	"go.uber.org/zap"
)

// Profile is DuckDB's profile of one statement (Settings.Profile): the statement's label (as in
// errors and the debug log, with #n for the n-th statement of a text), the first line of its SQL,
// and the plan as a tree of operators. The root is the query itself: its metrics (LATENCY,
// CPU_TIME, ...) cover the whole statement; each child is an operator with OPERATOR_TYPE,
// OPERATOR_NAME, OPERATOR_TIMING (seconds), OPERATOR_CARDINALITY and EXTRA_INFO.
type Profile struct {
	Statement string   `json:"statement"`
	Text      string   `json:"text"`
	Root      Operator `json:"plan"`
}

// Operator is one node of a statement's profile: DuckDB's metrics by name, as DuckDB formats them,
// and the operators feeding it.
type Operator struct {
	Metrics  map[string]string `json:"metrics"`
	Children []Operator        `json:"children,omitempty"`
}

// profiler is the state of a profiled database: where profiles go, and the query whose rows its
// caller was still reading when Query returned.
type profiler struct {
	sink    func(Profile)
	pending *pendingProfile
}

// pendingProfile is a query whose profile is read before the next statement runs.
type pendingProfile struct{ label, text string }

// flushProfile records the pending query's profile: it is complete once the caller has closed the
// rows, which on the database's one connection happens before any other statement can run.
func (d *DB) flushProfile() {
	if d.profile == nil || d.profile.pending == nil {
		return
	}
	p := d.profile.pending
	d.profile.pending = nil
	d.record(p.label, p.text)
}

// record hands the profile of the statement the database just finished to Settings.Profile, when
// profiling is on. A statement DuckDB kept no profile for (a SET) is skipped; profiling never fails
// a statement.
func (d *DB) record(label, st string) {
	if d.profile == nil {
		return
	}
	info, err := duckdb.GetProfilingInfo(d.conn)
	if err != nil {
		d.log.Debug("no profile", zap.String("statement", label), zap.Error(err))
		return
	}
	d.profile.sink(Profile{Statement: label, Text: summary(st), Root: operator(info)})
}

// operator converts the driver's profile tree.
func operator(p duckdb.ProfilingInfo) Operator {
	op := Operator{Metrics: p.Metrics}
	for _, c := range p.Children {
		op.Children = append(op.Children, operator(c))
	}
	return op
}

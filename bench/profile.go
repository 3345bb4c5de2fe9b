package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/capscore/capscore/duck"
)

// Profiler keeps DuckDB's profile of every statement of a run (refresh bench --profile): it writes
// each one to its own JSON file in a folder, numbered in the order the statements ran, and keeps
// every operator's time for Top. Record is its duck.Settings.Profile.
type Profiler struct {
	dir string

	mu         sync.Mutex
	statements int
	ops        []OperatorTime
	err        error // the first write that failed
}

// OperatorTime is one operator of one statement's plan: where it ran, what it is and what it cost.
type OperatorTime struct {
	// Statement is the statement's label (the SQL file's name, #n for its n-th statement).
	Statement string
	// File is the profile file it is in, within the profile folder.
	File string
	// Operator is DuckDB's operator name (HASH_GROUP_BY, SEQ_SCAN, ORDER_BY, ...).
	Operator string
	// Detail is what it works on, from DuckDB's extra info: the table or function a scan reads, the
	// groups of a grouping, the keys of an order or a join ("" when DuckDB gives none of these).
	Detail string
	// Seconds is the operator's own time (DuckDB's OPERATOR_TIMING, summed over its threads).
	Seconds float64
	// Rows is the rows it produced (OPERATOR_CARDINALITY).
	Rows int64
}

// NewProfiler writes profiles into dir, which it creates; a folder that already holds files is
// refused, so that one folder never mixes the statements of two runs.
func NewProfiler(dir string) (*Profiler, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("profile folder: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("profile folder: %w", err)
	}
	if len(entries) > 0 {
		return nil, fmt.Errorf("profile folder %s is not empty (%d entries); give a new or empty folder", dir, len(entries))
	}
	return &Profiler{dir: dir}, nil
}

// unsafeName is what a statement label may not keep in a file name.
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// Record writes one statement's profile as NNNNN-label.json and keeps its operators. A failed
// write is kept for Err; it does not stop the run.
func (p *Profiler) Record(pr duck.Profile) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.statements++
	name := fmt.Sprintf("%05d-%s.json", p.statements, strings.Trim(unsafeName.ReplaceAllString(pr.Statement, "_"), "_"))
	b, err := json.MarshalIndent(pr, "", " ")
	if err == nil {
		err = os.WriteFile(filepath.Join(p.dir, name), b, 0o644)
	}
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("profile of %s: %w", pr.Statement, err)
	}
	var walk func(op duck.Operator)
	walk = func(op duck.Operator) {
		for _, c := range op.Children {
			p.ops = append(p.ops, operatorTime(pr.Statement, name, c))
			walk(c)
		}
	}
	walk(pr.Root)
}

// operatorTime reads one operator node's metrics.
func operatorTime(statement, file string, op duck.Operator) OperatorTime {
	m := op.Metrics
	secs, _ := strconv.ParseFloat(m["OPERATOR_TIMING"], 64)
	rows, _ := strconv.ParseInt(m["OPERATOR_CARDINALITY"], 10, 64)
	name := m["OPERATOR_NAME"]
	if name == "" {
		name = m["OPERATOR_TYPE"]
	}
	return OperatorTime{Statement: statement, File: file, Operator: name, Detail: detail(m["EXTRA_INFO"]), Seconds: secs, Rows: rows}
}

// detailKeys are the entries of DuckDB's extra info that say what an operator works on, in the
// order they are looked for, each with the word the top list shows.
var detailKeys = []struct{ key, label string }{
	{"Table", "table"}, {"Function", "function"}, {"Groups", "groups"},
	{"__order_by__", "order by"}, {"Conditions", "on"},
}

// detail picks from an operator's extra info ({Key=value, Key=value ...}, values possibly quoted
// and spanning lines) the first entry of detailKeys that it has, on one line and at most 60 characters.
func detail(info string) string {
	info = strings.TrimSuffix(strings.TrimPrefix(info, "{"), "}")
	for _, dk := range detailKeys {
		key := dk.key
		i := strings.Index(info, key+"=")
		if i < 0 || (i > 0 && info[i-1] != ' ' && info[i-1] != '{') {
			continue
		}
		v := info[i+len(key)+1:]
		if strings.HasPrefix(v, "'") {
			if j := strings.Index(v[1:], "'"); j >= 0 {
				v = v[1 : j+1]
			}
		} else if j := strings.Index(v, ", "); j >= 0 {
			v = v[:j]
		}
		v = strings.Join(strings.Fields(v), " ")
		if len(v) > 60 {
			v = v[:57] + "..."
		}
		return dk.label + " " + v
	}
	return ""
}

// Statements returns the number of statement profiles recorded.
func (p *Profiler) Statements() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.statements
}

// Err returns the first profile that could not be written, or nil.
func (p *Profiler) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Top returns the n operators with the most time, most expensive first (ties in the order they ran).
func (p *Profiler) Top(n int) []OperatorTime {
	p.mu.Lock()
	ops := append([]OperatorTime(nil), p.ops...)
	p.mu.Unlock()
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Seconds > ops[j].Seconds })
	return ops[:min(n, len(ops))]
}

// Dir is the folder the profiles are written to.
func (p *Profiler) Dir() string { return p.dir }

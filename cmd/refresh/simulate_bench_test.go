package main

import (
	"context"
	dsql "database/sql"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/zap"

	"github.com/capscore/capscore/pipeline"
)

// BenchmarkSimulate times `refresh simulate` of one partner with one change (two more people
// certified AZ-104), the way an analyst runs it: slicing the input at ingest, the month's stages on
// the slice, before and after. By default it generates a set of 500 partners and publishes its
// month 2026-10 first (not timed). To time a partner of a larger set, publish the month and point
// the benchmark at it:
//
//	go run ./cmd/refresh generate --scale large --out bench-data/large
//	go run ./cmd/refresh run --month 2026-10 --input bench-data/large --out bench-out --skip-readiness
//	CAPSCORE_SIM_INPUT=$PWD/bench-data/large CAPSCORE_SIM_OUT=$PWD/bench-out \
//	  go test ./cmd/refresh -run '^$' -bench BenchmarkSimulate -benchtime 3x
//
// CAPSCORE_SIM_MONTH (default 2026-10) and CAPSCORE_SIM_PARTNER (default: the month's first
// partner) pick the month and partner; CAPSCORE_SIM_THREADS and CAPSCORE_SIM_MEMORY the resources.
func BenchmarkSimulate(b *testing.B) {
	in, out := os.Getenv("CAPSCORE_SIM_INPUT"), os.Getenv("CAPSCORE_SIM_OUT")
	month := envOr("CAPSCORE_SIM_MONTH", "2026-10")
	if in == "" || out == "" {
		dir := b.TempDir()
		in, out = filepath.Join(dir, "in"), filepath.Join(dir, "out")
		if code, _, stderr := refreshInProcess("generate", "--partners", "500", "--out", in, "--log-level", "warn"); code != exitOK {
			b.Fatalf("generate: exit %d: %s", code, stderr)
		}
		if code, _, stderr := refreshInProcess("run", "--month", month, "--input", in, "--out", out, "--skip-readiness",
			"--log-level", "warn"); code != exitOK {
			b.Fatalf("run: exit %d: %s", code, stderr)
		}
	}
	m, err := pipeline.ParseMonth(month)
	if err != nil {
		b.Fatal(err)
	}
	partner := os.Getenv("CAPSCORE_SIM_PARTNER")
	if partner == "" {
		pub, err := openPublished(context.Background(), out, m, 2, zap.NewNop())
		if err != nil {
			b.Fatal(err)
		}
		var n int64
		var first, last dsql.NullString
		err = pub.db.QueryRow(context.Background(), "first partner", "SELECT count(DISTINCT partner_id), min(partner_id), max(partner_id) FROM read_parquet("+
			pub.file(pipeline.TableAreaScores)+")").Scan(&n, &first, &last)
		pub.Close()
		if err != nil {
			b.Fatal(err)
		}
		partner = first.String
		b.Logf("%d partners in %s; simulating %s", n, month, partner)
	}
	args := []string{"simulate", "--input", in, "--out", out, "--month", month, "--partner", partner, "--skip-readiness",
		"--add-certification", "AZ-104=2", "--json", "--log-level", "warn"}
	if v := os.Getenv("CAPSCORE_SIM_THREADS"); v != "" {
		args = append(args, "--threads", v)
	}
	if v := os.Getenv("CAPSCORE_SIM_MEMORY"); v != "" {
		args = append(args, "--memory-limit", v)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, _, stderr := refreshInProcess(args...); code != exitOK {
			b.Fatalf("simulate: exit %d: %s", code, stderr)
		}
	}
}

// envOr is the environment variable's value, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

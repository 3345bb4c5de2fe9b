package pipeline

import (
	"fmt"
	"sort"
	"time"

	"go.uber.org/zap"
)

// publishedManifest returns the manifest of month m published under out; false when the month is
// not published or its manifest does not read.
func publishedManifest(out string, m Month) (Manifest, bool) {
	man, err := NewLayout(out).ReadManifest(m)
	if err != nil {
		return Manifest{}, false
	}
	return man, true
}

// keepPublished drops from a range, once the run holds the lock, the months cfg says to leave as
// they are: any published month (KeepPublished), or one published at or after KeepPublishedSince.
// Each dropped month gets a skipped ledger record and a result wrapping ErrAlreadyPublished.
func keepPublished(cfg Config, months []Month, ids []string, cfgs []Config, ledger *Ledger, log *zap.Logger) ([]Month, []string, []Config, []MonthResult) {
	if !cfg.KeepPublished && cfg.KeepPublishedSince.IsZero() {
		return months, ids, cfgs, nil
	}
	var kept []MonthResult
	var ms []Month
	var is []string
	var cs []Config
	for i, m := range months {
		man, ok := publishedManifest(cfg.Out, m)
		if !ok || (!cfg.KeepPublished && man.Finished.Before(cfg.KeepPublishedSince)) {
			ms, is, cs = append(ms, m), append(is, ids[i]), append(cs, cfgs[i])
			continue
		}
		reason := fmt.Sprintf("already published by run %s at %s", man.RunID, man.Finished.UTC().Format(time.RFC3339))
		if !cfg.KeepPublished {
			reason += ", after " + cfg.KeepPublishedSince.UTC().Format(time.RFC3339)
		}
		now := time.Now().UTC()
		if err := ledger.Append(Record{RunID: ids[i], Month: m.String(), AsOf: cfgs[i].AsOf.Format("2006-01-02"),
			Kind: cfgs[i].kind(), Status: StatusSkipped, Reason: reason, Started: now, Finished: now}); err != nil {
			log.Error("run ledger", zap.Error(err))
		}
		log.Info("month left as it is", zap.String("month", m.String()), zap.String("reason", reason))
		kept = append(kept, MonthResult{Month: m, Err: fmt.Errorf("%s: %w: %s", m, ErrAlreadyPublished, reason)})
	}
	return ms, is, cs, kept
}

// mergeResults adds the kept months' results to a range's results, in month order.
func mergeResults(results, kept []MonthResult) []MonthResult {
	all := append(append([]MonthResult(nil), results...), kept...)
	sort.SliceStable(all, func(a, b int) bool { return all[a].Month.Before(all[b].Month) })
	return all
}

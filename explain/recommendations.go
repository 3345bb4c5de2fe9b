package explain

import (
	"context"
	dsql "database/sql"
	"fmt"
	"strings"

	"github.com/capscore/capscore/outputs"
	sqlfiles "github.com/capscore/capscore/sql"
)

// recommendationColumns are the columns explain shows of a recommendation, read from whichever of
// them the month's file has: from schema version 5 on kind, priority, metric (NULL for a row about
// the whole area), points_at_stake, action and detail; before it message in place of action and
// no points_at_stake.
var recommendationColumns = []string{"track", "kind", "priority", "metric", "action", "message", "detail", "points_at_stake"}

// recommendations reads the month's recommendations of one partner-area on track, with the columns
// the file has. It is the one place that knows the recommendations table's columns. A month
// without the file, or a file without partner_id and solution_area, gives a note instead.
func (rd *reader) recommendations(ctx context.Context, partner, area, track string) ([]Recommendation, string, error) {
	path, ok, err := rd.path(outputs.Recommendations)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return nil, fmt.Sprintf("%s has no recommendations file", rd.month), nil
	}
	have, err := rd.columns(ctx, path)
	if err != nil {
		return nil, "", err
	}
	if !have["partner_id"] || !have["solution_area"] {
		return nil, fmt.Sprintf("the recommendations of %s have no partner_id or solution_area column", rd.month), nil
	}
	var order []string
	for _, c := range []string{"priority", "metric", "action", "message", "kind"} {
		if have[c] {
			order = append(order, sqlfiles.QuoteIdent(c))
		}
	}
	if len(order) == 0 {
		order = []string{"1"}
	}
	rows, err := rd.query(ctx, "explain_recommendations", outputs.Recommendations, recommendationColumns,
		map[string]string{"order": strings.Join(order, ", ")}, dsql.Named("partner", partner), dsql.Named("area", area))
	if err != nil {
		return nil, "", err
	}
	out := []Recommendation{}
	for _, r := range rows {
		if t := r.str("track"); t != "" && t != track {
			continue // a row about the other track
		}
		rec := Recommendation{Priority: atoiPtr(r.str("priority")), Kind: r.str("kind"), Metric: r.str("metric"),
			Action: firstOf(r.str("action"), r.str("message")), Detail: r.str("detail")}
		if r.has("points_at_stake") {
			rec.PointsAtStake = r.points("points_at_stake").ptr()
		}
		out = append(out, rec)
	}
	return out, "", nil
}

package explain

import (
	"bytes"
	"encoding/json"

	"github.com/capscore/capscore/outputs"
)

// changeOf turns the area's score_changes row into a Change, with the first limit drivers in words.
func changeOf(r row, limit int) *Change {
	c := &Change{PreviousMonth: r.str("previous_month"), Presence: r.str("presence"), PreviousTrack: r.str("previous_track"),
		Track: r.str("track"), PreviousTotalPoints: r.points("previous_total_points").ptr(), TotalPoints: r.points("total_points").ptr(),
		TotalDeltaPoints: r.points("total_delta_points").ptr(), PreviousStatus: r.str("previous_status"), Status: r.str("status"),
		QualificationChange: r.str("qualification_change"), EnrollmentChange: r.str("enrollment_change"),
		TrackChanged: r.bool("track_changed"), RubricChanged: r.bool("rubric_changed"), Note: r.str("note"),
		MetricDeltas: []MetricDelta{}, Drivers: []Driver{}}
	for _, m := range outputs.ScoreChangeMetrics {
		if d := r.points(m + "_delta_points"); d != "" {
			c.MetricDeltas = append(c.MetricDeltas, MetricDelta{Metric: m, Label: metricLabel(m), DeltaPoints: d})
		}
	}
	if !r.has("drivers") {
		c.Drivers = nil
		return c
	}
	var entries []map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(r.str("drivers"))))
	dec.UseNumber()
	if err := dec.Decode(&entries); err != nil {
		c.Note = firstOf(c.Note, "drivers do not read as JSON: "+err.Error())
		return c
	}
	for _, e := range entries {
		if len(c.Drivers) == limit {
			c.DriversMore++
			continue
		}
		kind, _ := e["kind"].(string)
		c.Drivers = append(c.Drivers, Driver{Kind: kind, Entry: e, Text: driverText(e)})
	}
	return c
}

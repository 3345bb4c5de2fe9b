// Package outputs declares, once, the schema of every table capscore publishes: columns in file
// order with their Arrow types, meanings and NULL conventions, each table's key and sort order, and
// the footer metadata keys. The export stage verifies every written file against these schemas,
// and docs/outputs.md is generated from them (go test ./outputs -run TestDocsOutputs -update).
package outputs

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// SchemaVersion is the version of the published schemas. It grows by one whenever a column is
// added to any table; columns are never renamed or retyped within a major layout, and removed
// only once: version 5 replaced recommendations.message by action (months published before keep
// message).
//
//   - 1: the first published tables.
//   - 2: points as DECIMAL(5,2); snapshot_month, as_of, run_id and rubric_id in every table;
//     partner_name and country in area_scores; priority in recommendations; footer metadata.
//   - 3: customer_eligibility and skilling_eligibility.
//   - 4: score_changes.
//   - 5: recommendations rebuilt: the kinds of RecommendationKinds, priority as the row's rank
//     within its partner-area, points_at_stake, and action in place of message.
const SchemaVersion = 5

// Names of the published tables.
const (
	AreaScores      = "area_scores"
	MetricScores    = "metric_scores"
	Recommendations = "recommendations"
	Rejects         = "rejects"
	// CustomerEligibility lists the tenants behind every customer metric.
	CustomerEligibility = "customer_eligibility"
	// SkillingEligibility lists the people and certifications behind every skilling metric.
	SkillingEligibility = "skilling_eligibility"
	// ScoreChanges compares each partner-area with the previous month.
	ScoreChanges = "score_changes"
)

// Footer key-value metadata keys written into every file (Parquet key_value_metadata).
const (
	KeyTable         = "capscore.table"
	KeySnapshotMonth = "capscore.snapshot_month"
	KeyAsOf          = "capscore.as_of"
	KeyRunID         = "capscore.run_id"
	KeyRubricID      = "capscore.rubric_id"
	KeyRubricSHA256  = "capscore.rubric_sha256"
	KeySchemaVersion = "capscore.schema_version"
	KeyCodeVersion   = "capscore.code_version"
)

// MetadataKeys lists the footer keys in the order the docs show them.
var MetadataKeys = []string{KeyTable, KeySnapshotMonth, KeyAsOf, KeyRunID, KeyRubricID, KeyRubricSHA256, KeySchemaVersion, KeyCodeVersion}

// Column is one column of a published table.
type Column struct {
	// Name is the column name.
	Name string
	// Type is the column's Arrow type as a Parquet reader sees it.
	Type arrow.DataType
	// Meaning says what the column holds.
	Meaning string
	// Null says when the column is NULL; "" means never (the run's checks guarantee it for keys).
	Null string
	// Since is the SchemaVersion that added the column.
	Since int
}

// Table is one published table.
type Table struct {
	// Name is the table's name, also its folder under OUT.
	Name string
	// RowPer says what one row stands for.
	RowPer string
	// Key lists the columns that identify a row within a snapshot month.
	Key []string
	// SortBy is the order of the rows in every file: a total order.
	SortBy []string
	// SortNote explains SortBy where a column order alone does not say it.
	SortNote string
	// RowGroupSize is the Parquet row group size written: small enough that a reader looking for
	// one partner skips the other row groups by their partner_id statistics.
	RowGroupSize int
	// Columns are the table's columns in file order.
	Columns []Column
	// Notes are further conventions a reader needs (reason codes, kinds).
	Notes []string
	// PublishedWhen, when set, says on which condition a month has the table; the export writes it
	// only when the run built it. Empty: every month has the table.
	PublishedWhen string
}

// Types of the published columns.
var (
	// Text is a UTF-8 string (DuckDB VARCHAR).
	Text arrow.DataType = arrow.BinaryTypes.String
	// Date is a calendar day (DuckDB DATE).
	Date arrow.DataType = arrow.FixedWidthTypes.Date32
	// Bool is a boolean (DuckDB BOOLEAN).
	Bool arrow.DataType = arrow.FixedWidthTypes.Boolean
	// Double is a 64-bit float (DuckDB DOUBLE).
	Double arrow.DataType = arrow.PrimitiveTypes.Float64
	// Int32 is a 32-bit integer (DuckDB INTEGER).
	Int32 arrow.DataType = arrow.PrimitiveTypes.Int32
	// Int64 is a 64-bit integer (DuckDB BIGINT).
	Int64 arrow.DataType = arrow.PrimitiveTypes.Int64
	// Points is an exact decimal with two places (DuckDB DECIMAL(5,2)): sums of points are exact.
	Points arrow.DataType = &arrow.Decimal128Type{Precision: 5, Scale: 2}
)

// SQLType is the DuckDB name of an Arrow type used in the published tables.
func SQLType(t arrow.DataType) string {
	switch t.ID() {
	case arrow.STRING:
		return "VARCHAR"
	case arrow.DATE32:
		return "DATE"
	case arrow.BOOL:
		return "BOOLEAN"
	case arrow.FLOAT64:
		return "DOUBLE"
	case arrow.INT32:
		return "INTEGER"
	case arrow.INT64:
		return "BIGINT"
	case arrow.DECIMAL128:
		d := t.(*arrow.Decimal128Type)
		return fmt.Sprintf("DECIMAL(%d,%d)", d.Precision, d.Scale)
	}
	return t.String()
}

// Schema returns the table's Arrow schema.
func (t Table) Schema() *arrow.Schema {
	fields := make([]arrow.Field, len(t.Columns))
	for i, c := range t.Columns {
		fields[i] = arrow.Field{Name: c.Name, Type: c.Type, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// Column returns the named column.
func (t Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// Lookup returns the published table of that name.
func Lookup(name string) (Table, bool) {
	for _, t := range All() {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// rowGroupSize is the row group size of every table: 16,384 rows hold about 2,700 partners of
// area_scores or 290 of metric_scores, so a lookup of one partner reads one small row group.
const rowGroupSize = 16384

// eligibilityRowGroupSize is the row group size of the eligibility tables: long tables read one
// partner at a time, so smaller groups let a reader skip more.
const eligibilityRowGroupSize = 8192

// eligibilityTables declares the two eligibility tables (schema version 3).
func eligibilityTables() []Table {
	v := func(c Column) Column { return since(c, 3) }
	c := func(name string, t arrow.DataType, meaning, null string) Column {
		return Column{Name: name, Type: t, Since: 3, Meaning: meaning, Null: null}
	}
	return []Table{
		{
			Name: CustomerEligibility,
			RowPer: "partner x solution area x track x customer metric x part x tenant (x workload where the metric " +
				"counts pairs or services): every tenant the metric looks at, counted or not",
			Key:      []string{"partner_id", "solution_area", "track", "metric", "part", "tenant_id", "workload"},
			SortBy:   []string{"partner_id", "solution_area", "track", "metric", "part", "tenant_id", "workload"},
			SortNote: "partner_id first; areas and metrics in rubric order, then part, tenant and workload.",
			Notes: []string{"Reason codes and their messages are listed in [reason-codes.md](reason-codes.md).",
				"Azure deployments count a service once per partner: the row of the tenant with the most attributed ACR " +
					"of the service over S-11..S (the first `tenant_id` among equal amounts, the amounts summed exactly) " +
					"carries the 1; the service's other tenants say `service_counted_on_other_tenant`."},
			RowGroupSize: eligibilityRowGroupSize,
			Columns: []Column{
				v(colSnapshotMonth), v(colAsOf), v(colPartnerID), v(colArea), v(colTrack),
				c("metric", Text, "The customer metric (`net_customer_adds`, `usage_growth` or `deployments`).", ""),
				c("part", Text, "The option or part of the metric the row belongs to; `''` where the metric has one.", ""),
				c("tenant_id", Text, "The customer tenant.", ""),
				c("workload", Text, "The workload or service the row counts; `''` where the metric counts tenants.", ""),
				c("association_types", Text, "The partner's association types with the tenant, sorted, comma-separated; `''` if none.", ""),
				c("figures", Text, "JSON text with the figures behind the row (usage, months); `{}` if none.", ""),
				c("considered", Bool, "The row enters the metric's computation; rows outside it only say why they do not count.", ""),
				c("counted_now", Bool, "The tenant counts on the current side of the measure.", ""),
				c("reason_now", Text, "Reason code for the current side.", "when no reason applies"),
				c("reason_now_message", Text, "The message of `reason_now`.", "when `reason_now` is NULL"),
				c("counted_base", Bool, "The tenant counts on the base side of the measure.", ""),
				c("reason_base", Text, "Reason code for the base side.", "when no reason applies"),
				c("reason_base_message", Text, "The message of `reason_base`.", "when `reason_base` is NULL"),
				c("now_amount", Double, "What the row adds to the current side (1 or 0 for counts, usage for growth).", ""),
				c("base_amount", Double, "What the row adds to the base side.", ""),
				c("contribution", Double, "`now_amount - base_amount`.", ""),
				v(colRubricID), v(colRunID),
			},
		},
		{
			Name: SkillingEligibility,
			RowPer: "partner x solution area x track x skilling metric x step x person x certification x earned_on: " +
				"every certification of a step's catalogue, counted or not",
			Key:          []string{"partner_id", "solution_area", "track", "metric", "step", "person_id", "certification", "earned_on"},
			SortBy:       []string{"partner_id", "solution_area", "track", "metric", "step", "person_id", "certification", "earned_on"},
			SortNote:     "partner_id first; areas and metrics in rubric order, then step, person, certification and date.",
			Notes:        []string{"Reason codes and their messages are listed in [reason-codes.md](reason-codes.md)."},
			RowGroupSize: eligibilityRowGroupSize,
			Columns: []Column{
				v(colSnapshotMonth), v(colAsOf), v(colPartnerID), v(colArea), v(colTrack),
				c("metric", Text, "`intermediate_certifications` or `advanced_certifications`.", ""),
				c("step", Int32, "The step of the metric (1 first).", ""),
				c("step_role", Text, "The step's role in the rubric (gate, points or both).", ""),
				c("person_id", Text, "The certified person.", ""),
				c("certification", Text, "The certification code.", ""),
				c("earned_on", Date, "The day the certification was earned.", ""),
				c("expires_on", Date, "The day it expires.", "when it does not expire"),
				c("retires_on", Date, "The day the certification is retired.", "when it is not retiring"),
				c("counts_until", Date, "The last day it counts (expiry or end of the retirement grace).", "when it never counts or never stops"),
				c("counted", Bool, "The certification carries the person in this step.", ""),
				c("reason", Text, "Reason code.", "when no reason applies"),
				c("reason_message", Text, "The message of `reason`.", "when `reason` is NULL"),
				c("contribution", Double, "What the row adds to the metric's value.", ""),
				v(colRubricID), v(colRunID),
			},
		},
	}
}

// Provenance columns, the same in every table.
var (
	colSnapshotMonth = Column{Name: "snapshot_month", Type: Text, Since: 1,
		Meaning: "The snapshot month S, `YYYY-MM`; equal to the folder's `snapshot_month=` value."}
	colAsOf = Column{Name: "as_of", Type: Date, Since: 2,
		Meaning: "The as-of date A that skilling was counted on (default: the 20th of the month after S)."}
	colRubricID = Column{Name: "rubric_id", Type: Text, Since: 2,
		Meaning: "The id of the rubric the month was scored with; its SHA-256 is in the footer and the manifest."}
	colRunID = Column{Name: "run_id", Type: Text, Since: 2,
		Meaning: "The run that published the month; the same in every table of one month, and in the month's manifest."}
	colPartnerID = Column{Name: "partner_id", Type: Text, Since: 1, Meaning: "The partner, as in the `partners` input."}
	colArea      = Column{Name: "solution_area", Type: Text, Since: 1,
		Meaning: "`data_ai`, `infrastructure`, `digital_app_innovation`, `business_applications`, `modern_work` or `security`."}
	colTrack = Column{Name: "track", Type: Text, Since: 1, Meaning: "`enterprise` or `smb`."}
)

// since returns c as added in schema version v.
func since(c Column, v int) Column {
	c.Since = v
	return c
}

// All returns every published table, in the order the docs list them.
func All() []Table {
	return append([]Table{
		{
			Name:         AreaScores,
			RowPer:       "partner in `partners` x solution area: all six areas for every partner, zeros included",
			Key:          []string{"partner_id", "solution_area"},
			SortBy:       []string{"partner_id", "solution_area"},
			RowGroupSize: rowGroupSize,
			Columns: []Column{
				colSnapshotMonth,
				// as_of, rubric_id and run_id were in area_scores from version 1 on.
				since(colAsOf, 1),
				colPartnerID,
				{Name: "partner_name", Type: Text, Since: 2, Meaning: "The partner's name from the `partners` input.",
					Null: "when the input leaves it empty"},
				{Name: "country", Type: Text, Since: 2, Meaning: "The partner's country (ISO 3166 alpha-2, upper case) from the `partners` input.",
					Null: "when the input leaves it empty"},
				colArea,
				{Name: "track", Type: Text, Since: 1, Meaning: "The selected track: for the Azure areas and Business Applications the " +
					"classified track, for Modern Work and Security the one with the higher total (on a tie the one that qualifies, then `enterprise`)."},
				{Name: "performance_points", Type: Points, Since: 1, Meaning: "Sum of the performance metric points of the selected track."},
				{Name: "skilling_points", Type: Points, Since: 1, Meaning: "Sum of the skilling metric points of the selected track."},
				{Name: "customer_success_points", Type: Points, Since: 1, Meaning: "Sum of the customer-success metric points of the selected track."},
				{Name: "total_points", Type: Points, Since: 1, Meaning: "0 to 100: the sum of the metric points, so exactly " +
					"`performance_points + skilling_points + customer_success_points`."},
				{Name: "all_metrics_positive", Type: Bool, Since: 1, Meaning: "Every applicable metric of the selected track has points above 0."},
				{Name: "qualified", Type: Bool, Since: 1, Meaning: "`total_points >= 70` and `all_metrics_positive`."},
				{Name: "qualified_in_window", Type: Bool, Since: 1, Meaning: "Qualified in this month or in a published month of S-5..S-1 " +
					"(a month not published counts as not qualified; the manifest warns)."},
				{Name: "enrolled", Type: Bool, Since: 1, Meaning: "The partner has an enrollment in the area active on `as_of`."},
				{Name: "status", Type: Text, Since: 1, Meaning: "`not_started` (total 0), `in_progress` (total above 0, not qualified), " +
					"`qualified` (qualified, not enrolled) or `enrolled` (enrolled; `qualified` still says whether it qualifies this month)."},
				since(colRubricID, 1),
				since(colRunID, 1),
			},
		},
		{
			Name:   MetricScores,
			RowPer: "partner x solution area x track x applicable metric, for both tracks of every area",
			Key:    []string{"partner_id", "solution_area", "track", "metric"},
			SortBy: []string{"partner_id", "solution_area", "track", "metric"},
			Notes: []string{
				"A metric the rubric marks not applicable (advanced certifications in Data & AI and Security) has no row.",
				"Points of the selected track's rows sum, per category, to the category points of `area_scores`.",
			},
			RowGroupSize: rowGroupSize,
			Columns: []Column{
				colSnapshotMonth,
				colAsOf,
				colPartnerID,
				colArea,
				colTrack,
				{Name: "selected", Type: Bool, Since: 1, Meaning: "This track is the one `area_scores` reports; the other track is scored as a what-if."},
				{Name: "category", Type: Text, Since: 1, Meaning: "`performance`, `skilling` or `customer_success`."},
				{Name: "metric", Type: Text, Since: 1, Meaning: "`net_customer_adds`, `intermediate_certifications`, " +
					"`advanced_certifications`, `usage_growth` or `deployments`."},
				{Name: "value", Type: Double, Since: 1, Meaning: "The metric's raw measure: for a linear metric the measure itself " +
					"(net adds, growth in %, active users, services, people); for gated certification steps the person-credits that earn " +
					"points; for a best-of-options metric the winning option's measure; for a capped sum the component points before the cap.",
					Null: "when the measure is undefined: usage growth on a zero base"},
				{Name: "threshold", Type: Double, Since: 1, Meaning: "The value that earns full points, for linear metrics.",
					Null: "for metrics that are not linear (gated steps, best of options, capped sums)"},
				{Name: "max_points", Type: Points, Since: 1, Meaning: "The metric's maximum points on this track."},
				{Name: "points", Type: Points, Since: 1, Meaning: "The metric's points, rounded to 2 decimals: for a linear metric " +
					"`round(max_points x min(1, max(0, value) / threshold), 2)`."},
				{Name: "detail", Type: Text, Since: 1, Meaning: "JSON text with the parts behind `value`: per step, per option or per " +
					"component, the raw figure and its points; `{}` when there is nothing more to say."},
				colRubricID,
				colRunID,
			},
		},
		recommendationsTable(),
		{
			Name:   Rejects,
			RowPer: "rejected input row",
			Key:    []string{"table_name", "file", "row_number"},
			SortBy: []string{"table_name", "file", "row_number"},
			Notes: []string{
				"Reasons start with one of: `missing required value: <column>`, `wrong type: <column> = <value> is not a <type>`, " +
					"`unknown value: <column> = <value>`, `out of range: ...`, `unknown partner: <id>`, `unknown tenant: <id>`, " +
					"`end before start: ...`, `duplicate key: first seen in <file> row <n>`.",
				"A backfill reads its inputs once for the whole range: every month of the range lists the same rejects.",
			},
			RowGroupSize: rowGroupSize,
			Columns: []Column{
				colSnapshotMonth,
				colAsOf,
				{Name: "table_name", Type: Text, Since: 1, Meaning: "The input table of the row (`partners`, `tenants`, ...)."},
				{Name: "file", Type: Text, Since: 1, Meaning: "The input file the row was read from."},
				{Name: "row_number", Type: Int64, Since: 1, Meaning: "The row's number in the file: data rows from 1, a CSV header excluded."},
				{Name: "reason", Type: Text, Since: 1, Meaning: "Why the row was rejected (see below)."},
				{Name: "raw", Type: Text, Since: 1, Meaning: "The row's values as read, as a JSON object."},
				colRubricID,
				colRunID,
			},
		},
	}, append(eligibilityTables(), scoreChangesTable())...)
}

// RecommendationKind is one kind of recommendations row.
type RecommendationKind struct {
	// Kind is the value of the kind column.
	Kind string
	// Rank orders the kinds within a partner-area: rows of a lower rank come first.
	Rank int
	// Meaning says when a row of the kind is written.
	Meaning string
	// PointsAtStake says what points_at_stake holds in a row of the kind.
	PointsAtStake string
}

// RecommendationKinds are the kinds of recommendations rows, by rank.
var RecommendationKinds = []RecommendationKind{
	{"path_to_qualify", 1, "one step of the plan that reaches the qualifying score with every metric above 0 " +
		"(`detail`: `step` of `steps`, the `lever` and its figures: `certify` the certification; `add_customers` the new " +
		"customers' segment and association type with their ACR of a service, revenue of a workload or paid licences of a " +
		"workload; `grow_usage` more ACR or monthly active users on an existing `tenant_id`; `deploy` new services, new " +
		"workload customers, or existing customers (`tenants`) raised to the deployment share; then `points_added`, " +
		"`total_after`, `track` and `changes_track`)",
		"the points the step adds"},
	{"no_path", 1, "no plan within the levers reaches qualification", "NULL"},
	{"metric_at_zero", 2, "the area reaches the qualifying score but is not qualified because an applicable metric of the " +
		"selected track scores 0 points (every metric needs more than 0 points to qualify); below the qualifying score the " +
		"path_to_qualify steps, or the no_path row, name the metrics at 0", "the metric's maximum points"},
	{"renewal_risk", 3, "the area is enrolled and either has not qualified in any month of S-5..S, or is not qualified in S " +
		"and its only qualifying month of S-5..S is S-5, so it drops out of the window next month",
		"the points short of the qualifying score; NULL when the total reaches it (a metric at 0 holds it back)"},
	{"certification_expiring", 4, "a counted certification stops counting (expiry, or the end of its exam's retirement grace) " +
		"within the warning horizon", "the points the area loses when that certification stops counting, computed by scoring without it"},
	{"customer_below_floor", 5, "a customer that does not count now because its usage in the partner's units is below the " +
		"metric's floor (Azure ACR, Business Applications revenue or MCV, security ACR over twelve months, active users " +
		"against paid licences); `detail` has the tenant, the figure, the floor and the amount missing",
		"the points the customer would add if it counted; a customer that would add none has no row"},
	{"get_started", 6, "an area with status `not_started` where the partner shows some activity (a metric with a value " +
		"above 0 on either track, or a counted certified person in the area's catalogue); at most one per area", "NULL"},
}

// recommendationsTable declares recommendations (rebuilt in schema version 5).
func recommendationsTable() Table {
	kinds := "Kinds, by rank:\n"
	for _, k := range RecommendationKinds {
		kinds += fmt.Sprintf("\n- %d `%s`: %s. `points_at_stake`: %s.", k.Rank, k.Kind, k.Meaning, k.PointsAtStake)
	}
	return Table{
		Name:     Recommendations,
		RowPer:   "an action for a partner x solution area, on the selected track",
		Key:      []string{"partner_id", "solution_area", "priority"},
		SortBy:   []string{"partner_id", "solution_area", "priority"},
		SortNote: "priority ranks the rows of each partner-area, so each lists the way to qualify first.",
		Notes: []string{
			"Rows are written for the selected track of areas with status `in_progress`, `qualified` or `enrolled`, " +
				"plus `get_started` rows for areas with status `not_started`.",
			kinds,
			"Months published before schema version 5 have the kinds `metric_at_zero`, `distance_to_threshold`, " +
				"`certification_expiring` and `customer_below_acr_floor`, a `message` column instead of `action`, " +
				"no `points_at_stake`, and `priority` as the kind's rank (1 to 4).",
		},
		RowGroupSize: rowGroupSize,
		Columns: []Column{
			colSnapshotMonth,
			colAsOf,
			colPartnerID,
			colArea,
			{Name: "track", Type: Text, Since: 1, Meaning: "The selected track of the area (as in `area_scores`)."},
			{Name: "kind", Type: Text, Since: 1, Meaning: "What to act on (see the kinds below)."},
			{Name: "metric", Type: Text, Since: 1, Meaning: "The metric the action improves.",
				Null: "when the row is about the whole area rather than one metric (always for `renewal_risk` and `get_started`)"},
			{Name: "priority", Type: Int32, Since: 2, Meaning: "The row's rank within the partner-area, 1 first: by the kind's rank, " +
				"then by step (`path_to_qualify`), points at stake (largest first) or rubric order."},
			{Name: "points_at_stake", Type: Points, Since: 5, Meaning: "The points the action is about; what they are depends on the kind (see below).",
				Null: "for `no_path` and `get_started`, and `renewal_risk` when the total reaches the qualifying score"},
			{Name: "action", Type: Text, Since: 5, Meaning: "What to do, in the partner's units (USD, people, active users)."},
			{Name: "detail", Type: Text, Since: 1, Meaning: "JSON text with the figures behind the action; `{}` when there is nothing more to say."},
			colRubricID,
			colRunID,
		},
	}
}

// ScoreChangeMetrics are the metrics whose point deltas score_changes carries, one column each
// (<metric>_delta_points), in rubric order.
var ScoreChangeMetrics = []string{"net_customer_adds", "intermediate_certifications", "advanced_certifications", "usage_growth", "deployments"}

// DriverKinds are the kinds of the entries of score_changes.drivers, in the order they are listed.
var DriverKinds = []struct{ Kind, Meaning string }{
	{"track_change", "the selected track changed (`from`, `to`)"},
	{"rubric_change", "the month was scored with another rubric than the previous one (`from`, `to`: rubric ids, `from_sha256`, `to_sha256`)"},
	{"customer_started", "a customer row of a customer metric counts on the current side now and did not last month (`metric`, `part`, `tenant_id`, `workload`; `reason`: why it did not count last month, NULL when it had no row)"},
	{"customer_stopped", "a customer row counted on the current side last month and does not now (`reason`: why not now, NULL when it has no row now)"},
	{"base_customer_started", "a customer row counts on the base side (a year earlier, subtracted) now and did not last month"},
	{"base_customer_stopped", "a customer row counted on the base side last month and does not now"},
	{"certification_earned", "a certification counts now, did not last month and was earned after the previous month's as-of date (`metric`, `step`, `person_id`, `certification`, `earned_on`)"},
	{"certification_started", "a certification counts now and did not last month for another reason (`reason`: last month's reason, e.g. a gate not met; NULL when it had no row)"},
	{"certification_expired", "a certification counted last month and has expired since"},
	{"certification_retired", "a certification counted last month and its exam's retirement grace has ended since"},
	{"certification_stopped", "a certification counted last month and does not now for another reason (`reason`; NULL when it has no row now)"},
}

// scoreChangesTable declares score_changes (schema version 4).
func scoreChangesTable() Table {
	c := func(name string, t arrow.DataType, meaning, null string) Column {
		return Column{Name: name, Type: t, Since: 4, Meaning: meaning, Null: null}
	}
	v := func(c Column) Column { return since(c, 4) }
	cols := []Column{
		v(colSnapshotMonth), v(colAsOf), v(colPartnerID), v(colArea),
		c("previous_month", Text, "The month compared with: S-1, `YYYY-MM`.", ""),
		c("presence", Text, "`both` (the partner has the area in both months), `new` (not in the previous month) or `gone` (not in this month).", ""),
		c("previous_track", Text, "The selected track in the previous month.", "when `presence` is `new`"),
		c("track", Text, "The selected track now.", "when `presence` is `gone`"),
		c("previous_total_points", Points, "`total_points` of the previous month.", "when `presence` is `new`"),
		c("total_points", Points, "`total_points` now.", "when `presence` is `gone`"),
		c("total_delta_points", Points, "`total_points - previous_total_points`, exact.", "when `presence` is not `both`"),
		c("previous_status", Text, "`status` of the previous month.", "when `presence` is `new`"),
		c("status", Text, "`status` now.", "when `presence` is `gone`"),
		c("qualification_change", Text, "`gained`, `lost` or `none`; a month without the partner counts as not qualified.", ""),
		c("enrollment_change", Text, "`enrolled`, `unenrolled` or `none`; a month without the partner counts as not enrolled.", ""),
	}
	for _, m := range ScoreChangeMetrics {
		cols = append(cols, c(m+"_delta_points", Points, "Points of `"+m+"` on the selected track now minus on the selected track of the previous month "+
			"(the metric's deltas sum to `total_delta_points`).", "when `presence` is not `both`, or the metric is not applicable in either month"))
	}
	cols = append(cols,
		c("track_changed", Bool, "The selected track differs from the previous month's (false unless `presence` is `both`).", ""),
		c("rubric_changed", Bool, "The month was scored with a rubric of another SHA-256 than the previous month.", ""),
		c("customers_started", Int32, "Entries of `drivers` of kind `customer_started`.", "when `drivers` is NULL"),
		c("customers_stopped", Int32, "Entries of `drivers` of kind `customer_stopped`.", "when `drivers` is NULL"),
		c("certifications_earned", Int32, "Entries of `drivers` of kind `certification_earned`.", "when `drivers` is NULL"),
		c("certifications_expired", Int32, "Entries of `drivers` of kind `certification_expired`.", "when `drivers` is NULL"),
		c("certifications_retired", Int32, "Entries of `drivers` of kind `certification_retired`.", "when `drivers` is NULL"),
		c("drivers", Text, "JSON array of what moved, from the eligibility tables of both months on the track selected now "+
			"(for a gone partner, the one selected before), plus the track and rubric changes; each entry has a `kind` (see below).",
			"when the previous month has no eligibility tables (see `note`)"),
		c("note", Text, "Why `drivers` is NULL, or that the partner is new or gone.", "when there is nothing to add"),
		v(colRubricID), v(colRunID),
	)
	kinds := "Kinds of `drivers` entries, in the order they are listed:"
	for i, k := range DriverKinds {
		sep := ";"
		if i == len(DriverKinds)-1 {
			sep = "."
		}
		kinds += fmt.Sprintf(" `%s`: %s%s", k.Kind, k.Meaning, sep)
	}
	return Table{
		Name: ScoreChanges,
		RowPer: "partner x solution area in this month or the previous one (S-1): the move of the total, the status, " +
			"each metric's points and what drove them",
		Key:           []string{"partner_id", "solution_area"},
		SortBy:        []string{"partner_id", "solution_area"},
		RowGroupSize:  rowGroupSize,
		PublishedWhen: "Published only with a month whose previous month (S-1) is published when the run starts.",
		Columns:       cols,
		Notes: []string{kinds,
			"Customer entries compare the rows of `customer_eligibility` with the same metric, part, tenant and workload; " +
				"certification entries the rows of `skilling_eligibility` with the same metric, step, person, certification and " +
				"earned_on. A partner's rows can differ from the previous month because of the usage, the associations, " +
				"the certifications or the as-of date; the entries say which rows moved, not why the input changed."},
	}
}

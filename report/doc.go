// Package report writes a self-contained HTML page per published month for program and partner
// managers: qualified partner-areas per area and track over the last months, the total-points
// distribution against the qualifying line, partners close to qualifying, qualification gained and
// lost, rejected input rows and the run's facts. It reads only published months (months with a
// manifest) through DuckDB; charts are inline SVG drawn by this package, with no script, font or
// stylesheet from the network.
package report
